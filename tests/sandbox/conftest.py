"""Fixtures: a sandbox on a free port, and an unmodified aiogram Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiogram import Bot
from sandbox_testkit import FakeClock, make_bot

from sandbox import Sandbox, SandboxLimits


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def start_sandbox() -> AsyncIterator[Callable[..., Awaitable[Sandbox]]]:
    started: list[Sandbox] = []

    async def start(**kwargs: object) -> Sandbox:
        sandbox = Sandbox(**kwargs)  # type: ignore[arg-type]
        await sandbox.start(port=0)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        await sandbox.stop()


@pytest.fixture
async def sandbox(start_sandbox: Callable[..., Awaitable[Sandbox]]) -> Sandbox:
    return await start_sandbox(limits=SandboxLimits(enabled=False))


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    bot = make_bot(sandbox)
    yield bot
    await bot.session.close()
