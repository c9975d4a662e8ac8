"""Residents sign up: 📅 Events (her sign-ups with their slot, then the events), an event with
its free times as big buttons, a question first (or 「已满，要排队吗？」 for a full time), the
answer; cancelling. A grid leader signing up a neighbour passes the person and household in
the same buttons (handlers.signups.on_behalf starts that)."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from handlers.flags import READS_ONLY
from handlers.signups.common import message_of
from services import membership
from services.access import Actor, require
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from services.signups import booking, cancelling, queries
from services.signups.errors import GatheringOver, SlotFull
from services.signups.permissions import ORGANIZERS
from views.menu import MenuButton
from views.signups import cards
from views.signups.callbacks import CancelSignup, ChooseSlot, ConfirmSlot, OpenGathering
from views.signups.menu import EVENTS

DEEP_LINK = re.compile(r"^signup-(\d{1,9})$")


async def show_list(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    now = clock()
    shown = await queries.open_for(session, actor, now)
    mine = await queries.signups_of(session, actor.user_id, now)
    text, keyboard = cards.listing(shown, mine, policy.timezone)
    await message.answer(text, reply_markup=keyboard)


async def _gathering_screen(
    session: AsyncSession, actor: Actor, gathering_id: int, clock: Clock, policy: Policy
) -> cards.Screen:
    now = clock()
    info, organizer = await queries.for_viewer(session, actor, gathering_id)
    mine = await queries.signups_of(session, actor.user_id, now, gathering_id)
    return cards.gathering(info, mine, now, policy.timezone, organizer=organizer)


async def from_group(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    """The 📅 button of a group post: t.me/<bot>?start=signup-<id>."""
    found = DEEP_LINK.match((command.args or "").strip())
    assert found is not None  # the filter matched it
    await state.clear()
    text, keyboard = await _gathering_screen(session, actor, int(found.group(1)), clock, policy)
    await message.answer(text, reply_markup=keyboard)


async def on_open(
    query: CallbackQuery,
    callback_data: OpenGathering,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    text, keyboard = await _gathering_screen(session, actor, callback_data.g, clock, policy)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def _person(
    session: AsyncSession, actor: Actor, courtyard_id: int, person: int, home: int
) -> tuple[str | None, str | None]:
    """Name and room when a grid leader acts for someone; (None, None) for oneself."""
    if not person:
        return None, None
    require(actor, ORGANIZERS, courtyard_id)
    household = await membership.household(session, home)
    people = {p.user_id: p.name for p in await queries.household_people(session, home)}
    if household.courtyard_id != courtyard_id or person not in people:
        raise Stale()
    return people[person], household.label()


async def on_slot(
    query: CallbackQuery,
    callback_data: ChooseSlot,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    cb = callback_data
    info, _organizer = await queries.for_viewer(session, actor, cb.g)
    slot = info.slot(cb.s)
    if slot is None:
        raise Stale()
    if slot.starts_at <= clock():
        raise GatheringOver()
    name, room = await _person(session, actor, info.courtyard_id, cb.p, cb.h)
    show = cards.confirm if slot.free > 0 else cards.full
    text, keyboard = show(info, slot, policy.timezone, person=cb.p, home=cb.h, name=name, room=room)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_confirm(
    query: CallbackQuery,
    callback_data: ConfirmSlot,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    cb = callback_data
    message = message_of(query)
    try:
        done = await booking.sign_up(
            session,
            actor,
            cb.g,
            cb.s,
            clock(),
            policy,
            wait=cb.w,
            person_id=cb.p or None,
            household_id=cb.h,
        )
    except SlotFull:  # taken meanwhile: asked first, nothing was written
        info = await queries.details(session, cb.g)
        slot = info.slot(cb.s)
        if slot is None:
            raise Stale() from None
        name, room = await _person(session, actor, info.courtyard_id, cb.p, cb.h)
        text, keyboard = cards.full(
            info, slot, policy.timezone, person=cb.p, home=cb.h, name=name, room=room
        )
        await message.edit_text(text, reply_markup=keyboard)
        await query.answer()
        return
    info = await queries.details(session, cb.g)
    text, keyboard = cards.booked(info, done, policy.timezone, for_other=bool(cb.p))
    await message.edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_cancel(
    query: CallbackQuery,
    callback_data: CancelSignup,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    mine = await queries.signup(session, actor, callback_data.sg, clock())
    message = message_of(query)
    if not callback_data.ok:
        text, keyboard = cards.cancel_question(mine, policy.timezone)
        await message.edit_text(text, reply_markup=keyboard)
        await query.answer()
        return
    promoted = await cancelling.cancel(session, actor, mine.id, clock(), policy)
    await message.edit_text(cards.cancelled(mine.title, promoted.name if promoted else None))
    await query.answer()


def build() -> Router:
    router = Router(name="signups-join")
    router.message.filter(PRIVATE)
    router.message(CommandStart(deep_link=True, magic=F.args.regexp(DEEP_LINK)), flags=READS_ONLY)(
        from_group
    )
    router.message(Command("events"), flags=READS_ONLY)(show_list)
    router.message(MenuButton(EVENTS), flags=READS_ONLY)(show_list)
    router.callback_query(OpenGathering.filter(), flags=READS_ONLY)(on_open)
    router.callback_query(ChooseSlot.filter(), flags=READS_ONLY)(on_slot)
    router.callback_query(ConfirmSlot.filter())(on_confirm)
    router.callback_query(CancelSignup.filter(F.ok.is_(False)), flags=READS_ONLY)(on_cancel)
    router.callback_query(CancelSignup.filter(F.ok.is_(True)))(on_cancel)
    return router
