"""Showing a view's (text, keyboard) as a new message or in place of one."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, Message

Shown = tuple[str, InlineKeyboardMarkup | None]


async def reply(message: Message, shown: Shown) -> None:
    text, keyboard = shown
    await message.answer(text, reply_markup=keyboard)


async def edit(message: Message, shown: Shown) -> None:
    text, keyboard = shown
    await message.edit_text(text, reply_markup=keyboard)
