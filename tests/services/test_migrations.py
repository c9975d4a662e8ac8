"""The migration stairway, on the store the suite runs on (SQLite, or PostgreSQL through
TEST_DATABASE_URL, in a database of its own beside the suite's): every revision goes up, down
and up again; the whole history goes down to an empty store and up; and the migrated schema is
what the models say, to the column."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from bot.schema import alembic_config
from models import Base
from models.db import create_engine

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[str]:
    """A store nobody else uses: a fresh SQLite file, or a fresh PostgreSQL database."""
    if not PG_URL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'stairway.sqlite3'}"
        return
    url = make_url(PG_URL)
    name = f"{url.database}_stairway"

    async def admin(statement: str) -> None:
        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def revisions() -> list[str]:
    """Every revision, oldest first: the test walks whatever history there is."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def inspect_store(url: str, look: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(look)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def schema(conn: Connection) -> dict[str, tuple[Any, ...]]:
    """Each table's columns (name, type, nullable), indexes and unique constraints."""
    found = inspect(conn)
    return {
        table: (
            [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
            sorted(i["name"] or "" for i in found.get_indexes(table)),
            sorted(u["name"] or "" for u in found.get_unique_constraints(table)),
        )
        for table in sorted(tables(conn))
    }


def differences(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": False}
    )
    return list(compare_metadata(context, Base.metadata))


def test_the_history_is_one_line() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, "two heads: merge or renumber the newest migration"
    assert len(revisions()) >= 3


def test_every_step_goes_up_down_and_up_again_and_matches_the_models(empty_store: str) -> None:
    config = alembic_config(empty_store)
    previous, before = "base", inspect_store(empty_store, schema)
    assert before == {}
    for revision in revisions():
        command.upgrade(config, revision)
        made = inspect_store(empty_store, schema)
        assert made != before, f"{revision} changes nothing"
        command.downgrade(config, previous)
        assert inspect_store(empty_store, schema) == before, f"{revision} down is not undone"
        command.upgrade(config, revision)
        assert inspect_store(empty_store, schema) == made, f"{revision} again differs"
        previous, before = revision, made

    assert inspect_store(empty_store, differences) == []
    assert inspect_store(empty_store, tables) == set(Base.metadata.tables)

    command.downgrade(config, "base")
    assert inspect_store(empty_store, tables) == set()
    command.upgrade(config, "head")
    assert inspect_store(empty_store, differences) == []

    # and the comparison would see a drift: an index the models have and the store lacks
    index = next(i for t in Base.metadata.sorted_tables for i in t.indexes)

    async def drop() -> None:
        engine = create_engine(empty_store)
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP INDEX {index.name}"))
        await engine.dispose()

    asyncio.run(drop())
    assert [d[0] for d in inspect_store(empty_store, differences)] == ["add_index"]
