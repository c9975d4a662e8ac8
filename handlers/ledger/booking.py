"""Booking an entry step by step (finance of the courtyard, admins): courtyard (if several),
income or expense, category, amount, date (📅 Today), counterparty, what it was for, evidence
photos or files, a repair ticket, then a preview to confirm. Nothing is written before ✅."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.tickets.common import drop_buttons, message_of
from models import Category, EntryKind, EvidenceKind
from services.access import Actor, require
from services.clock import Clock
from services.errors import N_, InvalidInput, Stale
from services.fees import money, payments
from services.ledger import booking, queries
from services.ledger.chain import Evidence
from services.ledger.errors import FutureDate
from services.policy import Policy
from views.ledger import screens
from views.ledger.callbacks import BookStep
from views.ledger.menu import BOOK
from views.menu import MenuButton, main_menu


class Booking(StatesGroup):
    courtyard = State()
    kind = State()
    category = State()
    amount = State()
    day = State()
    counterparty = State()
    description = State()
    evidence = State()
    ticket = State()
    confirm = State()


def _today(clock: Clock, policy: Policy) -> date:
    return clock().astimezone(policy.timezone).date()


async def _expect(state: FSMContext, *expected: State) -> dict[str, Any]:
    if await state.get_state() not in {s.state for s in expected}:
        raise Stale()
    return await state.get_data()


async def _ask(
    message: Message, state: FSMContext, step: State, screen: screens.Screen, *, tapped: bool
) -> None:
    await state.set_state(step)
    text, keyboard = screen
    if tapped:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    choices = await queries.courtyards_of(session, actor, booking.BOOKERS)
    if not choices:
        require(actor, booking.BOOKERS)  # says who may book
    await state.clear()
    if len(choices) == 1:
        await start_for(message, state, choices[0].id, choices[0].name, tapped=False)
        return
    await _ask(message, state, Booking.courtyard, screens.book_courtyards(choices), tapped=False)


async def start_for(
    message: Message, state: FSMContext, courtyard_id: int, name: str, *, tapped: bool
) -> None:
    await state.set_data({"courtyard_id": courtyard_id, "courtyard": name, "evidence": []})
    await _ask(message, state, Booking.kind, screens.ask_kind(name), tapped=tapped)


async def on_step(
    query: CallbackQuery,
    callback_data: BookStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    action, value = callback_data.a, callback_data.v
    if action == "cancel":  # also ends a question or an answer being written
        if await state.get_state() is None:
            raise Stale()
        await state.clear()
        await message.edit_text(_("Cancelled."))
    elif action == "cy":
        await _expect(state, Booking.courtyard)
        choice = next(
            (
                c
                for c in await queries.courtyards_of(session, actor, booking.BOOKERS)
                if str(c.id) == value
            ),
            None,
        )
        if choice is None:
            raise Stale()
        await start_for(message, state, choice.id, choice.name, tapped=True)
    elif action == "kind":
        await _expect(state, Booking.kind)
        kind = _enum(EntryKind, value)
        await state.update_data(kind=kind.value)
        await _ask(message, state, Booking.category, screens.ask_category(kind), tapped=True)
    elif action == "cat":
        data = await _expect(state, Booking.category)
        category = _enum(Category, value)
        await state.update_data(category=category.value)
        booking.check(_draft({**data, "category": category.value, "amount_fen": 1}), date.max)
        await _ask(message, state, Booking.amount, screens.ask_amount(category), tapped=True)
    elif action == "today":
        await _expect(state, Booking.day)
        await _to_counterparty(message, state, _today(clock, policy), tapped=True)
    elif action == "skip":
        step = await state.get_state()
        if step == Booking.counterparty.state:
            await state.update_data(counterparty="")
            await _ask(message, state, Booking.description, screens.ask_description(), tapped=True)
        elif step == Booking.ticket.state:
            await state.update_data(ticket=None)
            await _preview(message, state, tapped=True)
        else:
            raise Stale()
    elif action == "done":
        await _expect(state, Booking.evidence)
        await _ask(message, state, Booking.ticket, screens.ask_ticket(), tapped=True)
    elif action == "ok":
        await confirm(message, session, actor, state, clock, policy)
    else:
        raise Stale()
    await query.answer()


def _enum(cls: Any, value: str) -> Any:
    try:
        return cls(value)
    except ValueError:
        raise Stale() from None


def _draft(data: dict[str, Any]) -> booking.Draft:
    return booking.Draft(
        kind=EntryKind(data["kind"]),
        category=Category(data["category"]) if data.get("category") else None,
        amount_fen=int(data.get("amount_fen") or 0),
        booked_on=date.fromisoformat(data["booked_on"]) if data.get("booked_on") else date.min,
        counterparty=data.get("counterparty", ""),
        description=data.get("description") or "-",
        evidence=tuple(Evidence(EvidenceKind(k), f) for k, f in data.get("evidence", [])),
        ticket_number=data.get("ticket"),
    )


async def on_amount(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    fen = money.amount_fen(message.text or "")
    await state.update_data(amount_fen=fen)
    await _ask(message, state, Booking.day, screens.ask_date(_today(clock, policy)), tapped=False)


async def on_day(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    day = payments.parse_day(message.text or "")
    if day > _today(clock, policy):
        raise FutureDate(date=day.isoformat())
    await _to_counterparty(message, state, day, tapped=False)


async def _to_counterparty(message: Message, state: FSMContext, day: date, *, tapped: bool) -> None:
    await state.update_data(booked_on=day.isoformat())
    kind = EntryKind((await state.get_data())["kind"])
    await _ask(message, state, Booking.counterparty, screens.ask_counterparty(kind), tapped=tapped)


async def on_counterparty(message: Message, state: FSMContext) -> None:
    text = " ".join((message.text or "").split())
    if len(text) > booking.MAX_COUNTERPARTY:
        raise InvalidInput(N_("Please keep the name to at most 100 characters."))
    await state.update_data(counterparty=text)
    await _ask(message, state, Booking.description, screens.ask_description(), tapped=False)


async def on_description(message: Message, state: FSMContext) -> None:
    text = " ".join((message.text or "").split())
    if not text or len(text) > booking.MAX_DESCRIPTION:
        raise InvalidInput(N_("Please say in a few words (up to 500 characters) what it was for."))
    await state.update_data(description=text)
    await _ask(message, state, Booking.evidence, screens.ask_evidence(0), tapped=False)


async def on_evidence(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    kept = list(data.get("evidence", []))
    if len(kept) >= booking.MAX_EVIDENCE:
        raise InvalidInput(N_("That is enough evidence (10 at most). Please tap ✅ Done."))
    if message.photo:
        kept.append([EvidenceKind.PHOTO.value, message.photo[-1].file_id])
    elif message.document:
        kept.append([EvidenceKind.DOCUMENT.value, message.document.file_id])
    await state.update_data(evidence=kept)
    await _ask(message, state, Booking.evidence, screens.ask_evidence(len(kept)), tapped=False)


async def on_ticket(message: Message, session: AsyncSession, state: FSMContext) -> None:
    data = await state.get_data()
    number = (message.text or "").strip().upper()
    await booking.find_ticket(session, int(data["courtyard_id"]), number)
    await state.update_data(ticket=number)
    await _preview(message, state, tapped=False)


async def _preview(message: Message, state: FSMContext, *, tapped: bool) -> None:
    data = await state.get_data()
    await _ask(
        message, state, Booking.confirm, screens.preview(data, data["courtyard"]), tapped=tapped
    )


async def confirm(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await _expect(state, Booking.confirm)
    entry = await booking.book(
        session,
        actor,
        int(data["courtyard_id"]),
        _draft(data),
        today=_today(clock, policy),
        now=clock(),
        policy=policy,
    )
    await state.clear()
    await drop_buttons(message)
    await message.answer(
        screens.booked(entry.seq, entry.needs_approval), reply_markup=main_menu(actor)
    )


async def use_buttons(message: Message) -> None:
    raise InvalidInput(N_("Please use the buttons above, or tap ✖ Cancel."))


def build() -> Router:
    router = Router(name="ledger-booking")
    router.message(Command("book"), PRIVATE)(begin)
    router.message(MenuButton(BOOK), PRIVATE)(begin)
    router.callback_query(BookStep.filter())(on_step)
    return router


def build_inputs() -> Router:
    router = Router(name="ledger-booking-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    router.message(StateFilter(Booking.amount), Where(F.text))(on_amount)
    router.message(StateFilter(Booking.day), Where(F.text))(on_day)
    router.message(StateFilter(Booking.counterparty), Where(F.text))(on_counterparty)
    router.message(StateFilter(Booking.description), Where(F.text))(on_description)
    router.message(StateFilter(Booking.evidence), Where(F.photo | F.document))(on_evidence)
    router.message(StateFilter(Booking.ticket), Where(F.text))(on_ticket)
    router.message(StateFilter(Booking))(use_buttons)
    return router
