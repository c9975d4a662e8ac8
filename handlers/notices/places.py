"""Composing: choosing the courtyards, and the buildings or units a notice is for."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.notices.steps import Composing, ask, expect, names
from services.errors import Stale
from services.notices import scopes
from services.notices.errors import EmptyScope
from views.notices import compose as view


async def toggle(data: dict[str, Any], key: str, value: Any) -> list[Any]:
    chosen = list(data.get(key, []))
    if value in chosen:
        chosen.remove(value)
    else:
        chosen.append(value)
    return chosen


async def on_courtyards(message: Message, state: FSMContext, answer: str, index: int) -> None:
    data = await expect(state, Composing.courtyards)
    yards = [(int(c), str(n)) for c, n in data.get("yards", [])]
    chosen = [int(c) for c in data.get("chosen", [])]
    if answer == "yards":
        if not chosen:
            raise EmptyScope()
        await ask(message, state, Composing.content, view.ask_content(names(data)), edit=True)
        return
    if answer == "allyards":
        chosen = [] if len(chosen) == len(yards) else [c for c, _n in yards]
    else:
        if index >= len(yards):
            raise Stale()
        chosen = await toggle({"chosen": chosen}, "chosen", yards[index][0])
    await state.update_data(chosen=chosen)
    text, keyboard = view.courtyards(yards, chosen)
    await message.edit_text(text, reply_markup=keyboard)


async def on_scope(message: Message, session: AsyncSession, state: FSMContext, answer: str) -> None:
    data = await expect(state, Composing.scope)
    if answer == "all":
        await state.update_data(buildings=[], units=[])
        await ask(message, state, Composing.urgency, view.ask_urgency(), edit=True)
        return
    found = await scopes.buildings(session, int(data["chosen"][0]))
    await state.update_data(buildings=[], units=[])
    if answer == "buildings":
        await ask(message, state, Composing.buildings, view.ask_buildings(found, ()), edit=True)
    else:
        await ask(message, state, Composing.units, view.ask_units(found, ()), edit=True)


async def on_places(
    message: Message, session: AsyncSession, state: FSMContext, answer: str, index: int
) -> None:
    data = await expect(state, Composing.buildings, Composing.units)
    found = await scopes.buildings(session, int(data["chosen"][0]))
    if answer == "placed":
        if not data.get("buildings") and not data.get("units"):
            raise EmptyScope()
        await ask(message, state, Composing.urgency, view.ask_urgency(), edit=True)
        return
    if answer == "b" and await state.get_state() == Composing.buildings.state:
        if index >= len(found):
            raise Stale()
        chosen = await toggle(data, "buildings", found[index].name)
        await state.update_data(buildings=chosen)
        text, keyboard = view.ask_buildings(found, chosen)
    elif answer == "u" and await state.get_state() == Composing.units.state:
        choices = view.unit_choices(found)
        if index >= len(choices):
            raise Stale()
        building, unit, _count = choices[index]
        units = await toggle(data, "units", [building, unit])
        await state.update_data(units=units)
        text, keyboard = view.ask_units(found, {(b, u) for b, u in units})
    else:
        raise Stale()
    await message.edit_text(text, reply_markup=keyboard)
