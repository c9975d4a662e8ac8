"""Replies after commit: while an update's write transaction is open, what the handler says to
the person (messages, edits, callback answers) is collected and sent once the transaction has
committed, so no Telegram call waits inside a transaction (on SQLite: while the write lock is
held). Handlers await their replies as usual; a collected call returns None (no handler uses
what Telegram answers to a reply)."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger("courtyard.replies")

_COLLECTED: ContextVar[list[TelegramMethod[Any]] | None] = ContextVar(
    "courtyard_replies", default=None
)


class CollectReplies(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        collected = _COLLECTED.get()
        if collected is None:
            return await make_request(bot, method)
        collected.append(method)
        return None


def install(bot: Bot) -> None:
    """Once per Bot: its session collects replies while a write transaction is open."""
    if not any(isinstance(m, CollectReplies) for m in bot.session.middleware):
        bot.session.middleware(CollectReplies())


class Collecting:
    """`with Collecting() as replies:` — calls made inside are held; `await replies.send(bot)`."""

    def __init__(self) -> None:
        self.methods: list[TelegramMethod[Any]] = []

    def __enter__(self) -> Collecting:
        self._token = _COLLECTED.set(self.methods)
        return self

    def __exit__(self, *_exc: object) -> None:
        _COLLECTED.reset(self._token)

    def discard(self) -> None:
        self.methods.clear()

    async def send(self, bot: Bot) -> None:
        """In order; one that fails (the person blocked us, an edit that changes nothing) is
        logged and the rest still go."""
        for method in self.methods:
            try:
                await bot(method)
            except TelegramAPIError as error:
                if "message is not modified" not in str(error):
                    log.warning("reply %s failed: %s", type(method).__name__, error)
        self.methods.clear()
