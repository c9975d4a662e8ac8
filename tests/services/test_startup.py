"""Starting against a Bot API that cannot be reached yet: wait with backoff, then go on."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.methods import GetMe

from bot.startup import wait_for_telegram
from tests.harness import BOT_USERNAME, FakeTelegram, VirtualTime

TOKEN = "123456:NEVER-PRINT-THIS-TOKEN"


class Session(FakeTelegram):
    closed = False

    async def close(self) -> None:
        self.closed = True


def flaky_bot(failures: int, error: Exception | None = None) -> tuple[Bot, Session]:
    session = Session(VirtualTime())
    for _ in range(failures):
        session.fail_once(
            lambda method: isinstance(method, GetMe),
            error
            or TelegramNetworkError(
                method=GetMe(), message=f"Cannot connect to host (bot{TOKEN}/getMe)"
            ),
        )
    return Bot(TOKEN, session=session), session


async def test_a_network_failure_is_retried_with_backoff(caplog: pytest.LogCaptureFixture) -> None:
    bot, session = flaky_bot(failures=2)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    with caplog.at_level(logging.WARNING, logger="courtyard"):
        me = await wait_for_telegram(bot, "http://127.0.0.1:9", sleep=sleep)

    assert me.username == BOT_USERNAME
    assert slept == [1.0, 2.0]
    assert len([r for r in session.requests if isinstance(r.method, GetMe)]) == 3
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert all("TELEGRAM_API_URL" in line and "http://127.0.0.1:9" in line for line in lines)
    assert all("trying again" in line for line in lines)
    assert not any("NEVER-PRINT" in line for line in lines)
    assert not any(r.exc_info for r in caplog.records), "a traceback was logged"
    assert not session.closed  # the bot goes on with its session


async def test_the_delay_doubles_up_to_a_minute() -> None:
    bot, _ = flaky_bot(failures=9)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    await wait_for_telegram(bot, "http://127.0.0.1:9", sleep=sleep)
    assert slept == [1, 2, 4, 8, 16, 32, 60, 60, 60]


async def test_a_refused_token_is_not_retried_and_the_session_is_closed() -> None:
    bot, session = flaky_bot(
        failures=1, error=TelegramUnauthorizedError(method=GetMe(), message="Unauthorized")
    )

    async def sleep(seconds: float) -> None:
        raise AssertionError("a refused token is not worth waiting for")

    with pytest.raises(TelegramUnauthorizedError):
        await wait_for_telegram(bot, "http://127.0.0.1:9", sleep=sleep)
    assert session.closed


async def test_cancelling_while_waiting_closes_the_session() -> None:
    """Ctrl-C while waiting: asyncio.run cancels the task; no "Unclosed client session"."""
    bot, session = flaky_bot(failures=5)
    waiting = asyncio.Event()

    async def sleep(seconds: float) -> None:
        waiting.set()
        await asyncio.Event().wait()  # forever, until cancelled

    task = asyncio.create_task(wait_for_telegram(bot, "http://127.0.0.1:9", sleep=sleep))
    await waiting.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert session.closed
