"""The composer's steps (conversation states) and how each question is asked."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from services.errors import Stale
from views.notices import compose as view


class Composing(StatesGroup):
    courtyards = State()
    content = State()
    scope = State()
    buildings = State()
    units = State()
    urgency = State()
    when = State()
    time = State()
    ack = State()
    deadline = State()
    preview = State()


async def expect(state: FSMContext, *expected: State) -> dict[str, Any]:
    if await state.get_state() not in {s.state for s in expected}:
        raise Stale()
    return await state.get_data()


async def ask(
    message: Message, state: FSMContext, step: State, question: view.Question, *, edit: bool
) -> None:
    await state.set_state(step)
    text, keyboard = question
    if edit:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)


def names(data: dict[str, Any]) -> list[str]:
    chosen = set(data.get("chosen", []))
    return [str(name) for cid, name in data.get("yards", []) if cid in chosen]
