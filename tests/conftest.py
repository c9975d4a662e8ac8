"""Shared fixtures: a migrated store on SQLite (default) or PostgreSQL (TEST_DATABASE_URL),
a set clock, the policy, the compiled catalogs, and a World (tests/harness.py) on them."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.i18n import build_i18n
from models import Base
from models.db import create_engine, session_factory
from services.clock import FixedClock
from services.policy import Policy

if TYPE_CHECKING:
    from harness import World

# 2026-11-28 10:00 in Zhengzhou (Asia/Shanghai): outside quiet hours
START = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_report_header() -> str:
    return f"store: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Run the real Alembic migrations once: into a template SQLite file, or into PostgreSQL."""
    import asyncio

    from bot.schema import upgrade

    if PG_URL:

        async def reset() -> None:
            engine = create_engine(PG_URL)
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
            await engine.dispose()

        asyncio.run(reset())
        asyncio.run(upgrade(PG_URL))
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    if PG_URL:
        return PG_URL
    path = tmp_path / "store.sqlite3"
    shutil.copy(migrated_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    if PG_URL:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for service tests; the test commits where it wants the store to keep things."""
    async with sessions() as session:
        yield session
        await session.rollback()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def policy() -> Policy:
    return Policy()


@pytest.fixture(scope="session")
def i18n() -> I18n:
    return build_i18n("zh_Hans")


@pytest.fixture
def world(
    sessions: async_sessionmaker[AsyncSession], i18n: I18n, policy: Policy, clock: FixedClock
) -> World:
    """The real Dispatcher, a fake Telegram and the outbox sender, on this test's store."""
    from harness import World  # the whole bot: only for the tests that talk to it

    return World(sessions, i18n, policy, clock)
