"""Sending a file built at send time (`Rendered.attachment`): a PNG as a photo, anything else
as a document, the text as its caption — or, when longer than Telegram's 1,024-character caption,
as its own message first. The outbox sender uses it for other people's messages; a handler
answers the person who acted with `answer_file` (collected and sent after the commit, like
`message.answer`)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import Message

from views.outbox import Rendered


async def send_file(
    bot: Bot, chat_id: int, rendered: Rendered, *, request_timeout: int | None = None
) -> int | None:
    """Send `rendered` with its attachment; the id of the file's message (None while the
    reply is collected until the commit). The keyboard goes with the file."""
    attachment = rendered.attachment
    assert attachment is not None, "send_file needs a Rendered with an attachment"
    caption: str | None = rendered.text or None
    if caption is not None and not rendered.caption_fits():
        await bot.send_message(chat_id, rendered.text, request_timeout=request_timeout)
        caption = None
    if attachment.as_photo:
        sent = await bot.send_photo(
            chat_id,
            attachment.input_file(),
            caption=caption,
            reply_markup=rendered.reply_markup,
            request_timeout=request_timeout,
        )
    else:
        sent = await bot.send_document(
            chat_id,
            attachment.input_file(),
            caption=caption,
            reply_markup=rendered.reply_markup,
            request_timeout=request_timeout,
        )
    return sent.message_id if isinstance(sent, Message) else None


async def answer_file(message: Message, rendered: Rendered) -> None:
    """Answer the person in the chat of `message` with the file of `rendered`."""
    assert message.bot is not None
    await send_file(message.bot, message.chat.id, rendered)
