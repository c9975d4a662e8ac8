"""A grid leader creates an event: courtyard (if several), title, place, day, the times
("9:00-11:00 每15分钟 5人"), a preview, then publish (announced through the outbox)."""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from handlers.signups.common import message_of
from services import courtyards
from services.access import Actor, require
from services.audiences import Scope
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from services.signups import gatherings, schedule
from services.signups.permissions import ORGANIZERS
from views.callbacks import PickCourtyard
from views.menu import MenuButton
from views.signups import drafts
from views.signups.callbacks import DraftStep
from views.signups.menu import NEW_EVENT


class Creating(StatesGroup):
    title = State()
    place = State()
    day = State()
    slots = State()
    preview = State()


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    require(actor, ORGANIZERS)
    await state.clear()
    yards = await courtyards.courtyards_for(session, actor.courtyards_as(ORGANIZERS))
    if len(yards) == 1:
        await _ask_title(message, state, yards[0].id, yards[0].name, edit=False)
        return
    rows = [
        [InlineKeyboardButton(text=c.name, callback_data=PickCourtyard(mode="sg", c=c.id).pack())]
        for c in yards
    ]
    await message.answer(
        drafts.ask_courtyard(), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )


async def _ask_title(
    message: Message, state: FSMContext, courtyard_id: int, name: str, *, edit: bool
) -> None:
    await state.set_state(Creating.title)
    await state.set_data({"c": courtyard_id, "cn": name})
    text, keyboard = drafts.ask_title(name)
    if edit:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)


async def on_courtyard(
    query: CallbackQuery,
    callback_data: PickCourtyard,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    require(actor, ORGANIZERS, callback_data.c)
    found = await courtyards.courtyards_for(session, {callback_data.c})
    if not found:
        raise Stale()
    await _ask_title(message_of(query), state, found[0].id, found[0].name, edit=True)
    await query.answer()


async def on_title(message: Message, state: FSMContext) -> None:
    title = gatherings.clean_line(message.text or "", gatherings.TITLE_LIMIT)
    await state.update_data(title=title)
    await state.set_state(Creating.place)
    text, keyboard = drafts.ask_place()
    await message.answer(text, reply_markup=keyboard)


async def on_place(message: Message, state: FSMContext) -> None:
    place = gatherings.clean_line(message.text or "", gatherings.PLACE_LIMIT)
    await state.update_data(place=place)
    await state.set_state(Creating.day)
    text, keyboard = drafts.ask_day()
    await message.answer(text, reply_markup=keyboard)


async def on_day(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    day = schedule.parse_day(message.text or "", policy.local(clock()).date())
    await state.update_data(day=day.isoformat())
    await state.set_state(Creating.slots)
    text, keyboard = drafts.ask_slots()
    await message.answer(text, reply_markup=keyboard)


def _planned(data: dict[str, str], typed: str, policy: Policy) -> list[schedule.PlannedSlot]:
    return schedule.parse_slots(typed, date.fromisoformat(data["day"]), policy.timezone)


async def on_slots(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    typed = message.text or ""
    data = await state.get_data()
    slots = _planned(data, typed, policy)
    schedule.check_future(slots, clock())
    await state.update_data(slots=typed)
    await state.set_state(Creating.preview)
    text, keyboard = drafts.preview(
        data["cn"], data["title"], data["place"], slots, policy.timezone
    )
    await message.answer(text, reply_markup=keyboard)


async def on_step(
    query: CallbackQuery,
    callback_data: DraftStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    step = await state.get_state()
    if callback_data.a == "cancel":
        await state.clear()
        await message.edit_text(drafts.stopped())
    elif callback_data.a == "slots" and step == Creating.preview.state:
        await state.set_state(Creating.slots)
        text, keyboard = drafts.ask_slots()
        await message.answer(text, reply_markup=keyboard)
    elif callback_data.a == "publish" and step == Creating.preview.state:
        data = await state.get_data()
        slots = _planned(data, data["slots"], policy)
        _gathering_id, sent = await gatherings.publish(
            session,
            actor,
            scope=Scope.of(int(data["c"])),
            title=data["title"],
            place=data["place"],
            slots=slots,
            now=clock(),
            policy=policy,
        )
        await state.clear()
        await message.edit_text(drafts.published(data["title"], sent))
    else:
        raise Stale()
    await query.answer()


def build() -> Router:
    router = Router(name="signups-create")
    router.message(Command("newevent"), PRIVATE, flags=READS_ONLY)(begin)
    router.message(MenuButton(NEW_EVENT), PRIVATE, flags=READS_ONLY)(begin)
    router.callback_query(PickCourtyard.filter(F.mode == "sg"), flags=READS_ONLY)(on_courtyard)
    router.callback_query(DraftStep.filter())(on_step)
    return router


def build_inputs() -> Router:
    """The typed steps (after every feature's buttons and commands)."""
    router = Router(name="signups-create-inputs")
    router.message.filter(PRIVATE, Where(F.text), Where(~F.text.startswith("/")))
    router.message(StateFilter(Creating.title), flags=READS_ONLY)(on_title)
    router.message(StateFilter(Creating.place), flags=READS_ONLY)(on_place)
    router.message(StateFilter(Creating.day), flags=READS_ONLY)(on_day)
    router.message(StateFilter(Creating.slots), flags=READS_ONLY)(on_slots)
    return router
