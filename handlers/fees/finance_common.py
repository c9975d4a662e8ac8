"""What finance's fee flows share: which courtyard (asked only of a clerk who serves several),
a question below the last one, a step asked again after a bad answer, and the step's data."""

from __future__ import annotations

import contextlib
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from services import courtyards
from services.access import Actor, Role
from services.errors import DomainError, Stale
from views.callbacks import PickCourtyard
from views.errors import error_text
from views.menu import AnyMenuButton

Question = tuple[str, InlineKeyboardMarkup | None]


async def one_courtyard(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    roles: tuple[Role, ...],
    mode: str,
    question: str,
) -> int | None:
    """The courtyard the clerk serves, or None after asking which (a PickCourtyard button of
    `mode` comes back)."""
    yards = await courtyards.courtyards_for(session, actor.courtyards_as(roles))
    if len(yards) == 1:
        return yards[0].id
    rows = [
        [InlineKeyboardButton(text=c.name, callback_data=PickCourtyard(mode=mode, c=c.id).pack())]
        for c in yards
    ]
    await message.answer(question, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
    return None


ASKED = "asked"  # FSM data: the id of the message with the question now on screen


async def _below(message: Message, state: FSMContext, text: str, keyboard: Any) -> None:
    """A new question at the bottom, after a typed answer: the one above loses its buttons
    (an old ✖ or a suggested month must not be tapped by mistake)."""
    asked = (await state.get_data()).get(ASKED)
    if asked and message.bot is not None:
        with contextlib.suppress(TelegramBadRequest):  # too old, or gone: checked at tap anyway
            await message.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=int(asked), reply_markup=None
            )
    sent = await message.answer(text, reply_markup=keyboard)
    # a reply collected until the commit has no id yet: then nothing is remembered
    await state.update_data({ASKED: sent.message_id if isinstance(sent, Message) else None})


async def ask(
    message: Message,
    state: FSMContext,
    step: State,
    question: Question,
    *,
    edit: bool = False,
) -> None:
    """Go to `step` and ask its question (in place of a tapped message if `edit`)."""
    await state.set_state(step)
    text, keyboard = question
    if edit:
        await message.edit_text(text, reply_markup=keyboard)
        await state.update_data({ASKED: message.message_id})
    else:
        await _below(message, state, text, keyboard)


async def ask_again(
    message: Message, state: FSMContext, error: DomainError, question: Question
) -> None:
    """A bad answer: the rule's own words, then the same question again (nothing kept)."""
    text, keyboard = question
    await _below(message, state, f"{error_text(error)}\n\n{text}", keyboard)


async def expect(state: FSMContext, *steps: State) -> dict[str, Any]:
    """The flow's data if it is at one of these steps; else the button is an old one."""
    if await state.get_state() not in {s.state for s in steps}:
        raise Stale()
    return await state.get_data()


async def leave(message: Message, state: FSMContext) -> None:
    """A menu button or a command in the middle of a step: the step is dropped (nothing of it
    was written), and the button or command does what it does (the next router takes it)."""
    await state.clear()
    raise SkipHandler()


def leaving(router: Router, steps: type[StatesGroup]) -> None:
    """Register `leave` for these steps; first in the flow's router."""
    at_step = StateFilter(steps)
    router.message(at_step, PRIVATE, AnyMenuButton(), flags=READS_ONLY)(leave)
    router.message(at_step, PRIVATE, Where(F.text.startswith("/")), flags=READS_ONLY)(leave)


def cancelled() -> str:
    return _("Cancelled. Nothing was saved.")
