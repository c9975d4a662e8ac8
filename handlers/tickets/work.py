"""The worker's steps: ▶ start, ⏸ on hold (a reason and an expected day), ▶ resume, and
✅ fixed (a note, then an after-photo or Skip)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.tickets.common import CurrentState, drop_buttons, message_of
from services.access import Actor
from services.clock import Clock
from services.errors import N_, InvalidInput, Stale
from services.policy import Policy
from services.tickets import lifecycle
from services.tickets.info import TicketInfo
from services.tickets.lifecycle import HOLD_MAX_DAYS
from services.tickets.transitions import TicketAction
from views.text import h
from views.tickets import prompts
from views.tickets.callbacks import HoldFor, Skip, Step
from views.tickets.cards import ASSIGNEE, detail

A = TicketAction


class Holding(StatesGroup):
    reason = State()
    day = State()


class Resolving(StatesGroup):
    note = State()
    photo = State()


async def _show(
    message: Message, info: TicketInfo, head: str, policy: Policy, clock: Clock
) -> None:
    rendered = detail(info, ASSIGNEE, policy.timezone, clock())
    await message.answer(f"{head}\n{rendered.text}", reply_markup=rendered.reply_markup)


async def on_start(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    info = await lifecycle.start(
        session, actor, callback_data.t, clock(), policy, version=callback_data.v
    )
    message = message_of(query)
    await drop_buttons(message)
    await _show(message, info, _("▶ Work started. The resident has been told."), policy, clock)
    await query.answer()


async def on_resume(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    info = await lifecycle.resume(
        session, actor, callback_data.t, clock(), policy, version=callback_data.v
    )
    message = message_of(query)
    await drop_buttons(message)
    await _show(message, info, _("▶ Work resumed."), policy, clock)
    await query.answer()


async def on_hold(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
) -> None:
    info = await lifecycle.can(
        session, actor, callback_data.t, A.HOLD, now=clock(), version=callback_data.v
    )
    question = _("⏸ Why is %(number)s on hold? For example: waiting for parts.")
    await _ask(query, state, Holding.reason, info, question % {"number": h(info.number)})


async def on_reason(message: Message, state: FSMContext) -> None:
    await state.update_data(reason=lifecycle.clean_reason(message.text))
    await state.set_state(Holding.day)
    data = await state.get_data()
    text, keyboard = prompts.hold_days(int(data["ticket_id"]))
    await message.answer(text, reply_markup=keyboard)


async def _hold(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    until: date,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await _expect(state, Holding.day)
    info = await lifecycle.hold(
        session,
        actor,
        int(data["ticket_id"]),
        reason=data["reason"],
        until=until,
        now=clock(),
        policy=policy,
        version=int(data["version"]),
    )
    await state.clear()
    await message.answer(
        _("⏸ %(number)s is on hold until %(day)s. The resident has been told.")
        % {"number": h(info.number), "day": until.isoformat()}
    )


async def on_hold_for(
    query: CallbackQuery,
    callback_data: HoldFor,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await _expect(state, Holding.day)
    if int(data["ticket_id"]) != callback_data.t or not 0 < callback_data.d <= HOLD_MAX_DAYS:
        raise Stale()
    until = policy.local(clock()).date() + timedelta(days=callback_data.d)
    message = message_of(query)
    await drop_buttons(message)
    await _hold(message, session, actor, state, until, clock, policy)
    await query.answer()


_DATE = re.compile(r"^\s*(?:(\d{4})[-./])?(\d{1,2})[-./](\d{1,2})\s*$")


def parse_day(text: str | None, today: date) -> date:
    """'2026-12-05', '12-05' or '12/5' (this year, or next if that has passed)."""
    match = _DATE.match(text or "")
    if match is None:
        raise InvalidInput(N_("Please type a date like 2026-12-05, or tap a day."))
    year, month, day = match.groups()
    try:
        found = date(int(year) if year else today.year, int(month), int(day))
        if not year and found < today:
            found = found.replace(year=today.year + 1)
    except ValueError:
        raise InvalidInput(N_("Please type a date like 2026-12-05, or tap a day.")) from None
    return found


async def on_hold_day(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    until = parse_day(message.text, policy.local(clock()).date())
    await _hold(message, session, actor, state, until, clock, policy)


async def on_resolve(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
) -> None:
    info = await lifecycle.can(
        session, actor, callback_data.t, A.RESOLVE, now=clock(), version=callback_data.v
    )
    question = _("✅ What was done on %(number)s? A few words for the resident.")
    await _ask(query, state, Resolving.note, info, question % {"number": h(info.number)})


async def _ask(
    query: CallbackQuery, state: FSMContext, step: State, info: TicketInfo, question: str
) -> None:
    """Start a typed step about one ticket: remember which (and as of which version), ask,
    offer a way out."""
    await state.set_state(step)
    await state.set_data({"ticket_id": info.id, "version": info.version})
    await message_of(query).answer(question, reply_markup=prompts.stop_keyboard())
    await query.answer()


async def on_note(message: Message, state: FSMContext) -> None:
    await state.update_data(note=lifecycle.clean_note(message.text))
    await state.set_state(Resolving.photo)
    text, keyboard = prompts.after_photo()
    await message.answer(text, reply_markup=keyboard)


async def _resolve(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    photo: str | None,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await _expect(state, Resolving.photo)
    info = await lifecycle.resolve(
        session,
        actor,
        int(data["ticket_id"]),
        note=data["note"],
        photo_file_id=photo,
        now=clock(),
        policy=policy,
        version=int(data["version"]),
    )
    await state.clear()
    await message.answer(
        _("✅ %(number)s is marked fixed. %(reporter)s will be asked to confirm. Thank you!")
        % {"number": h(info.number), "reporter": h(info.reporter)}
    )


async def on_after_photo(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    assert message.photo
    await _resolve(message, session, actor, state, message.photo[-1].file_id, clock, policy)


async def on_skip(
    query: CallbackQuery,
    callback_data: Skip,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    if callback_data.what == "after":
        await drop_buttons(message)
        await _resolve(message, session, actor, state, None, clock, policy)
    elif callback_data.what == "stop":
        await _expect(state, *Holding.__states__, *Resolving.__states__)
        await state.clear()
        await message.edit_text(_("Cancelled. Nothing was changed."))
    else:
        raise Stale()
    await query.answer()


async def not_a_photo(message: Message) -> None:
    raise InvalidInput(N_("Please send a photo of the fix, or tap ⏭ Skip."))


async def _expect(state: FSMContext, *expected: State) -> dict[str, Any]:
    if await state.get_state() not in {s.state for s in expected}:
        raise Stale()
    return await state.get_data()


def build() -> Router:
    router = Router(name="tickets-work")
    router.callback_query.middleware(CurrentState())
    router.callback_query(Step.filter(F.a == A.START))(on_start)
    router.callback_query(Step.filter(F.a == A.RESUME))(on_resume)
    router.callback_query(Step.filter(F.a == A.HOLD))(on_hold)
    router.callback_query(Step.filter(F.a == A.RESOLVE))(on_resolve)
    router.callback_query(HoldFor.filter())(on_hold_for)
    router.callback_query(Skip.filter(F.what.in_({"after", "stop"})))(on_skip)
    return router


def build_inputs() -> Router:
    router = Router(name="tickets-work-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    router.message(StateFilter(Holding.reason))(on_reason)
    router.message(StateFilter(Holding.day))(on_hold_day)
    router.message(StateFilter(Resolving.note))(on_note)
    router.message(StateFilter(Resolving.photo), Where(F.photo))(on_after_photo)
    router.message(StateFilter(Resolving.photo))(not_a_photo)
    return router
