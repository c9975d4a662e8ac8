"""What the long-running bot process keeps resident (issue 8: under 200 MB): on the SQLite
default without REDIS_URL, no store driver, cache client, document library or migration tool
it does not use is loaded; the migration runs in a process of its own."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.schema import upgrade_apart
from models.db import create_engine

ROOT = Path(__file__).resolve().parents[2]
UNUSED = (
    "asyncpg",
    "redis",
    "matplotlib",
    "openpyxl",
    "weasyprint",
    "pypdf",
    "numpy",
    "PIL",
    "alembic",
)


def test_the_bot_on_sqlite_loads_no_module_it_does_not_use(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/store.sqlite3"
    probe = (
        "import sys, bot.app, bot.cli, bot.features, bot.sender\n"
        "from bot.app import build_storage\n"
        "from models.db import create_engine\n"
        "build_storage(None)\n"
        f"create_engine({url!r})\n"
        f"print(sorted(m for m in {UNUSED!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == "[]"


def test_the_store_is_migrated_in_a_child_process(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/sub/store.sqlite3"

    async def migrate() -> set[str]:
        await upgrade_apart(url)
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    tables = asyncio.run(migrate())

    assert {"alembic_version", "households", "outbox"} <= tables


def test_a_failed_migration_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="migrating the store failed"):
        asyncio.run(upgrade_apart("nonsense://nowhere"))
