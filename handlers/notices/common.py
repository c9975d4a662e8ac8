"""The message behind a notice button, and showing a notice as residents see it."""

from __future__ import annotations

from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from services.errors import Stale
from views.outbox import Rendered


def message_of(query: CallbackQuery) -> Message:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        raise Stale()
    return query.message


async def show(message: Message, rendered: Rendered) -> None:
    """A notice as a new message: a photo or PDF with its caption, or its words."""
    if rendered.photo is not None:
        await message.answer_photo(
            rendered.photo, caption=rendered.text, reply_markup=rendered.reply_markup
        )
    elif rendered.document is not None:
        await message.answer_document(
            rendered.document, caption=rendered.text, reply_markup=rendered.reply_markup
        )
    else:
        await message.answer(rendered.text, reply_markup=rendered.reply_markup)
