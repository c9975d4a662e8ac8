"""Small pieces the sign-up handlers share."""

from __future__ import annotations

from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from services.errors import Stale


def message_of(query: CallbackQuery) -> Message:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        raise Stale()
    return query.message
