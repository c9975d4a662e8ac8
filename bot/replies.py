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
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.methods import (
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)
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


class UnchangedEdits(BaseRequestMiddleware):
    """An edit that changes nothing (a double tap, the same page again) is not an error:
    Telegram's "message is not modified" is answered as a done edit, for every caller."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if not isinstance(method, _EDITS) or "message is not modified" not in error.message:
                raise
            log.debug("%s changed nothing", type(method).__name__)
            return True


_EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption, EditMessageMedia)


def tolerate_unchanged(bot: Bot) -> None:
    """Once per Bot: edits that change nothing are done edits (see UnchangedEdits)."""
    if not any(isinstance(m, UnchangedEdits) for m in bot.session.middleware):
        bot.session.middleware(UnchangedEdits())


def install(bot: Bot) -> None:
    """Once per Bot: its session collects replies while a write transaction is open, and
    takes an edit that changes nothing for a done edit."""
    tolerate_unchanged(bot)
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
        """In order; one that fails (the person blocked us) is logged and the rest still go."""
        for method in self.methods:
            try:
                await bot(method)
            except TelegramAPIError as error:
                log.warning("reply %s failed: %s", type(method).__name__, error)
        self.methods.clear()
