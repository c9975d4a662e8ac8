"""The real bot, assembled as `courtyard run` does, polling a sandbox over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from e2e_runner import Running
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import assemble, run
from bot.config import Settings
from sandbox import Sandbox, SandboxLimits

TOKEN = "424242:E2E-TEST-TOKEN"
USERNAME = "courtyard_e2e_bot"


@pytest.fixture
def limits() -> SandboxLimits:
    return SandboxLimits(enabled=False)


@pytest.fixture
async def running(
    database_url: str, limits: SandboxLimits, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Running]:
    sandbox = Sandbox(bot_username=USERNAME, limits=limits)
    url = await sandbox.start(port=0)
    settings = Settings(
        bot_token=TOKEN,
        database_url=database_url,
        telegram_api_url=url,
        bot_username=USERNAME,
        quiet_hours="off",
    )
    runtime = await assemble(settings, TOKEN)
    task = asyncio.create_task(run(runtime))
    try:
        yield Running(sandbox, runtime, sessions)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await sandbox.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Let fixtures know their test failed (the browser test saves a screenshot then)."""
    report = yield
    if report.when == "call" and report.failed:
        item.failed = True  # type: ignore[attr-defined]
    return report
