"""Reporting a repair, step by step: home (if several), category, words or voice, photos,
where, urgency, then a confirmation that shows everything before it is filed. The same steps
serve customer service and grid leaders filing for a household (tickets.on_behalf).

Each question is asked where the person looks: a tap on the newest question turns that message
into the next question; after the person's own message (text, voice, photo, a menu button) the
next question is a new message at the bottom. A report left for another menu button or /start
is kept (in its own FSM record, which other flows' resets do not touch) and can be resumed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from handlers.start import welcome
from handlers.tickets.common import drop_buttons, message_of
from models import Location, TicketCategory, Urgency
from services.access import Actor
from services.clock import Clock
from services.errors import N_, InvalidInput, Stale
from services.policy import Policy
from services.tickets import reporting
from services.tickets.errors import NotYourHousehold
from views.menu import AnyMenuButton, MenuButton
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


STEPS = frozenset(s.state for s in Reporting.__states__)
OWN = "own"  # FSM data: the id of the person's newest message during the report
KEPT = "report-draft"  # destiny of the FSM record that keeps a report left unfinished


def _kept(state: FSMContext) -> FSMContext:
    """The record of a report put aside; other flows' state.clear() leaves it alone."""
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=KEPT))


async def _show(
    message: Message,
    state: FSMContext,
    text: str,
    keyboard: Any = None,
    *,
    tapped: bool,
) -> None:
    """Show the next text where the person looks. `message` is the tapped message (`tapped`)
    or the person's own. A tapped message below everything the person sent in this report turns
    into the next question; a tapped message above her later messages only loses its buttons,
    and the text comes as a new message at the bottom. (Message ids in a chat grow with every
    message, hers and ours.)"""
    if tapped:
        if message.message_id > int((await state.get_data()).get(OWN) or 0):
            await message.edit_text(text, reply_markup=keyboard)
            return
        await drop_buttons(message)
    await message.answer(text, reply_markup=keyboard)


async def _ask(
    message: Message,
    state: FSMContext,
    step: State,
    question: tuple[str, Any],
    *,
    tapped: bool,
) -> None:
    await state.set_state(step)
    text, keyboard = question
    await _show(message, state, text, keyboard, tapped=tapped)


async def _moves_the_bottom(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    event: TelegramObject,
    data: dict[str, Any],
) -> Any:
    """Anything the person sends during a report comes below the questions asked so far."""
    if data.get("raw_state") in STEPS and isinstance(event, Message):
        await data["state"].update_data({OWN: event.message_id})
    return await handler(event, data)


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    choices = await reporting.homes(session, actor)
    if not choices:
        hint = view.no_home_of_your_own(actor)
        if hint is None:
            raise NotYourHousehold()
        await message.answer(hint)
        return
    await _keep_open_report(state)
    kept = await _kept(state).get_data()
    if kept:
        text, keyboard = view.draft_waiting(_summary(kept))
        await message.answer(text, reply_markup=keyboard)
        return
    await _begin_with(message, state, choices)


async def _begin_with(
    message: Message,
    state: FSMContext,
    choices: list[reporting.HomeChoice],
    *,
    photos: tuple[str, ...] = (),
    description: str | None = None,
) -> None:
    await state.clear()
    if len(choices) == 1:
        choice = choices[0]
        await start_for(
            message,
            state,
            choice.household_id,
            choice.household,
            photos=photos,
            description=description,
        )
        return
    await state.set_data({"photos": list(photos), "description": description})
    await _ask(message, state, Reporting.home, view.homes(choices), tapped=False)


async def start_for(
    message: Message,
    state: FSMContext,
    household_id: int,
    label: str,
    channel: str | None = None,
    *,
    edit: bool = False,
    photos: tuple[str, ...] = (),
    description: str | None = None,
) -> None:
    """Begin the steps for one household (`channel` set when filing on its behalf).
    `edit`: `message` is the tapped one; coming from another flow's picker it is the newest."""
    before = await state.get_data() if await state.get_state() in STEPS else {}
    await state.set_data(
        {
            "household_id": household_id,
            "home": label,
            "channel": channel,
            "photos": list(photos or before.get("photos", [])),
            "description": description or before.get("description"),
            OWN: before.get(OWN),
        }
    )
    await _ask(message, state, Reporting.category, view.categories(label), tapped=edit)


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
    data = await _expect(state, Reporting.category)
    try:
        category = TicketCategory(callback_data.c)
    except ValueError:
        raise Stale() from None
    await state.update_data(category=category.value)
    if data.get("description"):  # said with the photo that began the report
        photos = list(data.get("photos", []))
        await _ask(
            message_of(query), state, Reporting.photos, view.ask_photos(len(photos)), tapped=True
        )
    else:
        question = view.ask_description(category.value)
        await _ask(message_of(query), state, Reporting.description, question, tapped=True)
    await query.answer()


async def _to_photos(message: Message, state: FSMContext, photos: list[str]) -> None:
    await state.update_data(photos=photos)
    await _ask(message, state, Reporting.photos, view.ask_photos(len(photos)), tapped=False)


async def _photos_so_far(state: FSMContext) -> list[str]:
    return list((await state.get_data()).get("photos", []))


async def on_description(message: Message, state: FSMContext) -> None:
    description = reporting.clean_description(message.text)
    await state.update_data(description=description)
    await _to_photos(message, state, await _photos_so_far(state))


async def on_voice(message: Message, state: FSMContext) -> None:
    assert message.voice is not None
    reporting.check_voice(message.voice.duration)
    await state.update_data(voice=message.voice.file_id, voice_seconds=message.voice.duration)
    await _to_photos(message, state, await _photos_so_far(state))


async def on_first_photo(message: Message, state: FSMContext) -> None:
    """A photo with a caption says it all at once; without one we still need the words."""
    assert message.photo
    if not message.caption:
        raise InvalidInput(
            N_("Please first say in words (or by voice) what is wrong; photos come next.")
        )
    await state.update_data(description=reporting.clean_description(message.caption))
    photos = await _photos_so_far(state)
    reporting.check_photo_room(len(photos))
    await _to_photos(message, state, [*photos, message.photo[-1].file_id])


async def on_photo(message: Message, state: FSMContext) -> None:
    assert message.photo
    photos = await _photos_so_far(state)
    reporting.check_photo_room(len(photos))
    await _to_photos(message, state, [*photos, message.photo[-1].file_id])


async def on_place(message: Message, state: FSMContext) -> None:
    place = reporting.clean_place(message.text)
    await state.update_data(place=place)
    await _ask(message, state, Reporting.urgency, view.ask_urgency(), tapped=False)


async def unsupported_description(message: Message) -> None:
    raise InvalidInput(
        N_(
            "Please describe the problem in words, or send a voice message 🎤. Stickers, videos "
            "and files cannot be used."
        )
    )


async def unsupported_photo(message: Message, state: FSMContext) -> None:
    raise InvalidInput(
        N_("Please send a photo (not a file or a video), or tap %(button)s to go on."),
        button=view.photos_go_on(len(await _photos_so_far(state))),
    )


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


def _question(step: str | None, data: dict[str, Any]) -> tuple[str, Any]:
    """The question of a step, to ask it again when a kept report is resumed."""
    if step == Reporting.category.state:
        return view.categories(str(data.get("home", "")))
    if step == Reporting.description.state:
        return view.ask_description(str(data.get("category", "")))
    if step == Reporting.photos.state:
        return view.ask_photos(len(data.get("photos", [])))
    if step == Reporting.location.state:
        return view.ask_location(on_behalf=bool(data.get("channel")))
    if step == Reporting.place.state:
        return view.ask_place()
    if step == Reporting.urgency.state:
        return view.ask_urgency()
    if step == Reporting.confirm.state:
        return view.confirmation(_draft_view(data))
    raise Stale()


def _summary(data: dict[str, Any]) -> str:
    return view.draft_summary(data.get("category"), data.get("description"), data.get("home", ""))


async def _keep_open_report(state: FSMContext) -> dict[str, Any] | None:
    """Put an open report aside (a home chosen: there is something to keep); its data."""
    step = await state.get_state()
    if step not in STEPS:
        return None
    data = await state.get_data()
    await state.clear()
    if "household_id" not in data:
        return None
    kept = _kept(state)
    await kept.set_state(step)
    await kept.set_data({k: v for k, v in data.items() if k != OWN})
    return data


async def leave(message: Message, state: FSMContext) -> None:
    """Another menu button in the middle of a report: say that it is kept; the button then
    does what it does (the next router takes it)."""
    data = await _keep_open_report(state)
    if data is not None:
        text, keyboard = view.draft_kept(_summary(data))
        await message.answer(text, reply_markup=keyboard)
    raise SkipHandler()


async def restart(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, policy: Policy
) -> None:
    """/start in the middle of a report: the welcome, and the report kept to go on with."""
    data = await _keep_open_report(state)
    await welcome(message, session, actor, policy)
    if data is not None:
        text, keyboard = view.draft_kept(_summary(data))
        await message.answer(text, reply_markup=keyboard)


async def resume(query: CallbackQuery, state: FSMContext) -> None:
    kept = _kept(state)
    step, data = await kept.get_state(), await kept.get_data()
    if step not in STEPS or not data:
        raise Stale()
    await kept.clear()
    await state.set_data(data)
    await state.set_state(step)
    text, keyboard = _question(step, data)
    # the offer may be above what its button led to (a list, the welcome): ask at the bottom
    message = message_of(query)
    await drop_buttons(message)
    await message.answer(text, reply_markup=keyboard)


async def discard(query: CallbackQuery, state: FSMContext) -> None:
    kept = _kept(state)
    if not await kept.get_data():
        raise Stale()
    await kept.clear()
    await message_of(query).edit_text(view.discarded())


async def start_new(
    query: CallbackQuery, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    await _kept(state).clear()
    message = message_of(query)
    await drop_buttons(message)
    await _begin_with(message, state, await reporting.homes(session, actor))


async def offer_photo(message: Message, actor: Actor, state: FSMContext) -> None:
    """A photo outside a report may be the start of one (for someone who can report)."""
    if not actor.households:
        raise SkipHandler()
    assert message.photo
    await state.set_data({"stray_photo": message.photo[-1].file_id, "caption": message.caption})
    text, keyboard = view.photo_offer()
    await message.answer(text, reply_markup=keyboard)


async def report_with_photo(
    query: CallbackQuery, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    data = await state.get_data()
    photo = data.get("stray_photo")
    if await state.get_state() is not None or not photo:
        raise Stale()
    choices = await reporting.homes(session, actor)
    if not choices:
        raise NotYourHousehold()
    description = None
    if data.get("caption"):
        try:
            description = reporting.clean_description(data["caption"])
        except InvalidInput:
            description = None  # the words are asked for in their step
    message = message_of(query)
    await drop_buttons(message)
    await _keep_open_report(state)
    await _begin_with(message, state, choices, photos=(photo,), description=description)


async def decline_photo(query: CallbackQuery, state: FSMContext) -> None:
    if await state.get_state() is None and (await state.get_data()).get("stray_photo"):
        await state.set_data({})
    await message_of(query).edit_text(view.photo_not_used())


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
        await _show(message, state, _("Cancelled. Nothing was filed."), tapped=True)
        await state.clear()
    elif action == "done":
        data = await _expect(state, Reporting.photos)
        question = view.ask_location(on_behalf=bool(data.get("channel")))
        await _ask(message, state, Reporting.location, question, tapped=True)
    elif action in ("home", "common"):
        await _expect(state, Reporting.location)
        await state.update_data(location=action, place="")
        if action == "common":
            await _ask(message, state, Reporting.place, view.ask_place(), tapped=True)
        else:
            await _ask(message, state, Reporting.urgency, view.ask_urgency(), tapped=True)
    elif action in ("normal", "urgent"):
        data = await _expect(state, Reporting.urgency)
        await state.update_data(urgency=action)
        question = view.confirmation(_draft_view({**data, "urgency": action}))
        await _ask(message, state, Reporting.confirm, question, tapped=True)
    elif action == "file":
        await file(message, session, actor, state, clock, policy)
    elif action == "resume":
        await resume(query, state)
    elif action == "discard":
        await discard(query, state)
    elif action == "new":
        await start_new(query, session, actor, state)
    elif action == "photo":
        await report_with_photo(query, session, actor, state)
    elif action == "nophoto":
        await decline_photo(query, state)
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
    now = clock()
    if channel:
        filed = await reporting.file_on_behalf(session, actor, draft, channel, now, policy)
    else:
        filed = await reporting.file(session, actor, draft, now, policy)
    await state.clear()
    # the summary stays as the record of what was sent; the news comes below it, with the menu
    await drop_buttons(message)
    urgent = filed.urgency == Urgency.URGENT.value
    done = view.Filed(
        number=filed.number,
        urgent=urgent,
        on_behalf=bool(channel),
        now=now,
        team_starts_at=reporting.team_starts_at(now, policy, urgent=urgent),
        household_told_at=reporting.household_told_at(now, policy, urgent=urgent)
        if channel
        else None,
    )
    text, menu = view.filed(actor, done, policy.timezone)
    await message.answer(text, reply_markup=menu)


def build() -> Router:
    """Starting a report and its buttons; before the menu's router, so that another menu
    button in the middle of a report first puts the report aside."""
    router = Router(name="tickets-report")
    router.message.outer_middleware(_moves_the_bottom)
    router.message(Command("report"), PRIVATE)(begin)
    router.message(MenuButton(REPORT), PRIVATE)(begin)
    router.message(CommandStart(), PRIVATE, StateFilter(Reporting))(restart)
    # reads only: what it says is sent at once, then the button's own handler answers
    router.message(StateFilter(Reporting), PRIVATE, AnyMenuButton(), flags=READS_ONLY)(leave)
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
    router.message(StateFilter(None), Where(F.photo))(offer_photo)
    return router
