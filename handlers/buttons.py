"""Small pieces every feature's button handlers share: the message behind a tapped button, and
taking the buttons off a message once they have been used."""

from __future__ import annotations

import contextlib

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from services.errors import Stale


def message_of(query: CallbackQuery) -> Message:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        raise Stale()
    return query.message


async def drop_buttons(message: Message) -> None:
    """Used buttons go away, so an old message cannot be tapped again by mistake."""
    if message.reply_markup is None:
        return
    # too old to edit, or already edited: the buttons are checked again when tapped anyway
    with contextlib.suppress(TelegramBadRequest):
        await message.edit_reply_markup(reply_markup=None)
