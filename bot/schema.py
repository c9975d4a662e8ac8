"""Bringing the store to the newest migration, from any working directory."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
_URL_VARIABLE = "COURTYARD_MIGRATE_URL"  # not on the command line: it may hold a password


def alembic_config(database_url: str) -> Config:
    # alembic is imported when used: the bot process never needs it (see upgrade_apart)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def ensure_sqlite_folder(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


async def upgrade(database_url: str) -> None:
    from alembic import command

    ensure_sqlite_folder(database_url)
    # env.py runs its own event loop, so it gets a thread of its own
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "head")


async def upgrade_apart(database_url: str) -> None:
    """`upgrade` in a short-lived process of its own, for the long-running bot and sender:
    alembic and every migration module would otherwise stay resident (~14 MB) for nothing."""
    await migrated(await start_upgrade(database_url))


async def start_upgrade(database_url: str) -> asyncio.subprocess.Process:
    """Start migrating in a child process; the caller may import the bot meanwhile."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.schema",
        cwd=ROOT,
        env={**os.environ, _URL_VARIABLE: database_url},
    )


async def migrated(child: asyncio.subprocess.Process) -> None:
    if await child.wait() != 0:  # alembic's own error is on stderr already
        raise SystemExit(f"migrating the store failed (exit code {child.returncode})")


if __name__ == "__main__":
    asyncio.run(upgrade(os.environ[_URL_VARIABLE]))
