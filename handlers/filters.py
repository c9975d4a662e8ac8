"""Filters evaluated in the event loop.

aiogram runs a plain magic filter (``F.chat.type == "private"``) as a synchronous callable, in a
worker thread, on every update that reaches it; wrapped in ``Where`` it is resolved inline."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class Where(Filter):
    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject, **_: Any) -> bool:
        return bool(self.magic.resolve(event))


PRIVATE = Where(F.chat.type == "private")
GROUPS = Where(F.chat.type.in_({"group", "supergroup"}))
