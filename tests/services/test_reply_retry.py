"""Replies to the person who acted wait out 429s: several one-second refusals in a row (the
outbox sender filling the bot's overall limit) still end in the reply being sent; a wait past
the patience gives up at once."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot import retry
from bot.retry import RetryAfter


def refusal(seconds: int) -> TelegramRetryAfter:
    return TelegramRetryAfter(
        method=SendMessage(chat_id=1, text="x"),
        message=f"Too Many Requests: retry after {seconds}",
        retry_after=seconds,
    )


class Telegram:
    def __init__(self, refusals: list[int]) -> None:
        self.refusals = refusals
        self.calls = 0

    async def __call__(self, _bot: Any, _method: Any) -> str:
        self.calls += 1
        if self.refusals:
            raise refusal(self.refusals.pop(0))
        return "sent"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(retry.asyncio, "sleep", sleep)
    return slept


async def test_five_one_second_refusals_in_a_row_still_send(waits: list[float]) -> None:
    telegram = Telegram([1, 1, 1, 1, 1])
    sent = await RetryAfter()(telegram, None, SendMessage(chat_id=1, text="您的选票已投出"))  # type: ignore[arg-type]
    assert sent == "sent"
    assert telegram.calls == 6
    assert waits == [1, 1, 1, 1, 1]


async def test_a_wait_past_the_patience_gives_up_at_once(waits: list[float]) -> None:
    telegram = Telegram([20, 20])
    with pytest.raises(TelegramRetryAfter):
        await RetryAfter(patience=30)(telegram, None, SendMessage(chat_id=1, text="x"))  # type: ignore[arg-type]
    assert waits == [20]  # the second 20 s would pass 30 s in all
    assert telegram.calls == 2
