"""Reporting a repair, step by step: home (if several), category, words or voice, photos,
where, urgency, then a confirmation that shows everything before it is filed. The same steps
serve customer service and grid leaders filing for a household (tickets.on_behalf)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.tickets.common import message_of
from models import Location, TicketCategory, Urgency
from services.access import Actor
from services.clock import Clock
from services.errors import N_, InvalidInput, Stale
from services.policy import Policy
from services.tickets import reporting
from services.tickets.errors import NotYourHousehold
from views.menu import MenuButton, main_menu
from views.tickets import report as view
from views.tickets.callbacks import ReportCategory, ReportHome, ReportStep
from views.tickets.menu import REPORT


class Reporting(StatesGroup):
    home = State()
    category = State()
    description = State()
    photos = State()
    location = State()
    place = State()
    urgency = State()
    confirm = State()


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    choices = await reporting.homes(session, actor)
    if not choices:
        raise NotYourHousehold()
    await state.clear()
    if len(choices) == 1:
        await start_for(message, state, choices[0].household_id, choices[0].household)
        return
    await state.set_state(Reporting.home)
    text, keyboard = view.homes(choices)
    await message.answer(text, reply_markup=keyboard)


async def start_for(
    message: Message,
    state: FSMContext,
    household_id: int,
    label: str,
    channel: str | None = None,
    *,
    edit: bool = False,
) -> None:
    """Begin the steps for one household (`channel` set when filing on its behalf)."""
    await state.set_state(Reporting.category)
    await state.set_data(
        {"household_id": household_id, "home": label, "channel": channel, "photos": []}
    )
    text, keyboard = view.categories(label)
    if edit:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)


async def _expect(state: FSMContext, *expected: State) -> dict[str, Any]:
    """The flow's data, if it is at one of the expected steps; else the button is old."""
    if await state.get_state() not in {s.state for s in expected}:
        raise Stale()
    return await state.get_data()


async def on_home(
    query: CallbackQuery,
    callback_data: ReportHome,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await _expect(state, Reporting.home)
    choice = next(
        (c for c in await reporting.homes(session, actor) if c.household_id == callback_data.h),
        None,
    )
    if choice is None:
        raise NotYourHousehold()
    await start_for(message_of(query), state, choice.household_id, choice.household, edit=True)
    await query.answer()


async def on_category(
    query: CallbackQuery, callback_data: ReportCategory, state: FSMContext
) -> None:
    await _expect(state, Reporting.category)
    try:
        category = TicketCategory(callback_data.c)
    except ValueError:
        raise Stale() from None
    await state.update_data(category=category.value)
    await state.set_state(Reporting.description)
    text, keyboard = view.ask_description(category.value)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def _to_photos(message: Message, state: FSMContext, photos: list[str]) -> None:
    await state.update_data(photos=photos)
    await state.set_state(Reporting.photos)
    text, keyboard = view.ask_photos(len(photos))
    await message.answer(text, reply_markup=keyboard)


async def on_description(message: Message, state: FSMContext) -> None:
    description = reporting.clean_description(message.text)
    await state.update_data(description=description)
    await _to_photos(message, state, [])


async def on_voice(message: Message, state: FSMContext) -> None:
    assert message.voice is not None
    reporting.check_voice(message.voice.duration)
    await state.update_data(voice=message.voice.file_id, voice_seconds=message.voice.duration)
    await _to_photos(message, state, [])


async def on_first_photo(message: Message, state: FSMContext) -> None:
    """A photo with a caption says it all at once; without one we still need the words."""
    assert message.photo
    if not message.caption:
        raise InvalidInput(
            N_("Please first say in words (or by voice) what is wrong; photos come next.")
        )
    await state.update_data(description=reporting.clean_description(message.caption))
    await _to_photos(message, state, [message.photo[-1].file_id])


async def on_photo(message: Message, state: FSMContext) -> None:
    assert message.photo
    photos = list((await state.get_data()).get("photos", []))
    reporting.check_photo_room(len(photos))
    await _to_photos(message, state, [*photos, message.photo[-1].file_id])


async def on_place(message: Message, state: FSMContext) -> None:
    place = reporting.clean_place(message.text)
    await state.update_data(place=place)
    await state.set_state(Reporting.urgency)
    text, keyboard = view.ask_urgency()
    await message.answer(text, reply_markup=keyboard)


async def unsupported_description(message: Message) -> None:
    raise InvalidInput(
        N_(
            "Please describe the problem in words, or send a voice message 🎤. Stickers, videos "
            "and files cannot be used."
        )
    )


async def unsupported_photo(message: Message) -> None:
    raise InvalidInput(N_("Please send a photo (not a file or a video), or tap ✅ Done to go on."))


async def use_buttons(message: Message) -> None:
    raise InvalidInput(N_("Please use the buttons above, or tap ✖ Cancel."))


def _draft(data: dict[str, Any]) -> reporting.Draft:
    try:
        return reporting.Draft(
            household_id=int(data["household_id"]),
            category=TicketCategory(data["category"]),
            urgency=Urgency(data["urgency"]),
            location=Location(data["location"]),
            description=data.get("description"),
            voice_file_id=data.get("voice"),
            voice_seconds=data.get("voice_seconds"),
            photo_file_ids=tuple(data.get("photos", [])),
            place=data.get("place", ""),
        )
    except (KeyError, ValueError):
        raise Stale() from None


async def on_step(
    query: CallbackQuery,
    callback_data: ReportStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    action = callback_data.a
    if action == "cancel":
        await _expect(state, *Reporting.__states__)
        await state.clear()
        await message.edit_text(_("Cancelled. Nothing was filed."))
    elif action == "done":
        data = await _expect(state, Reporting.photos)
        await state.set_state(Reporting.location)
        text, keyboard = view.ask_location(on_behalf=bool(data.get("channel")))
        await message.edit_text(text, reply_markup=keyboard)
    elif action in ("home", "common"):
        await _expect(state, Reporting.location)
        await state.update_data(location=action, place="")
        if action == "common":
            await state.set_state(Reporting.place)
            text, keyboard = view.ask_place()
        else:
            await state.set_state(Reporting.urgency)
            text, keyboard = view.ask_urgency()
        await message.edit_text(text, reply_markup=keyboard)
    elif action in ("normal", "urgent"):
        data = await _expect(state, Reporting.urgency)
        await state.update_data(urgency=action)
        await state.set_state(Reporting.confirm)
        text, keyboard = view.confirmation(_draft_view({**data, "urgency": action}))
        await message.edit_text(text, reply_markup=keyboard)
    elif action == "file":
        await file(message, session, actor, state, clock, policy)
    else:
        raise Stale()
    await query.answer()


def _draft_view(data: dict[str, Any]) -> view.DraftView:
    return view.DraftView(
        home=str(data.get("home", "")),
        category=str(data.get("category", "")),
        description=data.get("description"),
        voice_seconds=data.get("voice_seconds"),
        photos=len(data.get("photos", [])),
        location=str(data.get("location", "home")),
        place=str(data.get("place", "")),
        urgency=str(data.get("urgency", "normal")),
        channel=data.get("channel"),
    )


async def file(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await _expect(state, Reporting.confirm)
    draft = _draft(data)
    channel = data.get("channel")
    if channel:
        filed = await reporting.file_on_behalf(session, actor, draft, channel, clock(), policy)
    else:
        filed = await reporting.file(session, actor, draft, clock(), policy)
    await state.clear()
    await message.edit_text(view.filed(filed.number, filed.urgency == "urgent"))
    await message.answer(_("Menu"), reply_markup=main_menu(actor))


def build() -> Router:
    """Starting a report and its buttons."""
    router = Router(name="tickets-report")
    router.message(Command("report"), PRIVATE)(begin)
    router.message(MenuButton(REPORT), PRIVATE)(begin)
    router.callback_query(ReportHome.filter())(on_home)
    router.callback_query(ReportCategory.filter())(on_category)
    router.callback_query(ReportStep.filter())(on_step)
    return router


def build_inputs() -> Router:
    """What the reporter types or sends between the buttons; after the menu's router, so
    menu buttons and commands still work in the middle of a report."""
    router = Router(name="tickets-report-inputs")
    # commands are not descriptions: they go on to the routers after this one
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    describing = StateFilter(Reporting.description)
    router.message(describing, Where(F.text))(on_description)
    router.message(describing, Where(F.voice))(on_voice)
    router.message(describing, Where(F.photo))(on_first_photo)
    router.message(describing)(unsupported_description)
    router.message(StateFilter(Reporting.photos), Where(F.photo))(on_photo)
    router.message(StateFilter(Reporting.photos))(unsupported_photo)
    router.message(StateFilter(Reporting.place))(on_place)
    router.message(StateFilter(Reporting))(use_buttons)
    return router
