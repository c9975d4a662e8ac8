"""Fixtures: a sandbox on a free port, and an unmodified aiogram Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox import Sandbox, SandboxLimits

TOKEN = "123456:ABC-DEF_sandbox"


class FakeClock:
    """A clock the test moves by hand, for the flood limits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_bot(sandbox: Sandbox, token: str = TOKEN) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox.api_url))
    return Bot(token, session=session)


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
