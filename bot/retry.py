"""Replies to the person who acted obey 429 too: wait retry_after and send again, up to
`patience` seconds in all (replies go after commit, so waiting holds no lock). While the outbox
sender fills the bot's overall limit (an announcement to every household), a reply can meet
several one-second 429s in a row; giving up after three of them dropped residents' ballot
screens and receipts (bench/bench_votes_http.py).

Only the dispatcher's Bot gets this; the outbox sender has its own Bot and handles 429 itself by
rescheduling the row, so one slow chat never holds up the queue."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger("courtyard.retry")


class RetryAfter(BaseRequestMiddleware):
    def __init__(self, attempts: int = 12, patience: float = 30.0) -> None:
        self.attempts = attempts
        self.patience = patience

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        waited = 0.0
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self.attempts or waited + error.retry_after > self.patience:
                    raise
                log.info("429 on %s: waiting %s s", type(method).__name__, error.retry_after)
                await asyncio.sleep(error.retry_after)
                waited += error.retry_after
        raise AssertionError("unreachable")
