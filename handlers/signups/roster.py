"""The organizer's check-in list (per time: names and rooms, ✅ Arrived buttons), the list as
a spreadsheet sent as a document, stopping sign-up and calling the event off."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.attachments import answer_file
from handlers.flags import READS_ONLY
from handlers.signups.common import message_of
from services.access import Actor, require
from services.clock import Clock
from services.policy import Policy
from services.signups import gatherings, queries, roster
from services.signups.permissions import ORGANIZERS
from views.signups import cards, export
from views.signups import roster as view
from views.signups.callbacks import CheckIn, Manage, RosterSlot


async def show_slots(
    query: CallbackQuery,
    callback_data: Manage | RosterSlot,
    session: AsyncSession,
    actor: Actor,
    policy: Policy,
) -> None:
    listed = await roster.roster(session, actor, callback_data.g)
    if isinstance(callback_data, RosterSlot) and callback_data.s:
        text, keyboard = view.slot(
            listed,
            callback_data.s,
            policy.timezone,
            can_check_in=actor.has_any(ORGANIZERS, listed.gathering.courtyard_id),
        )
    else:
        text, keyboard = view.slots(listed, policy.timezone)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_check_in(
    query: CallbackQuery,
    callback_data: CheckIn,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    newly = await roster.check_in(session, actor, callback_data.sg, clock())
    gathering_id = await roster.gathering_of(session, callback_data.sg)
    listed = await roster.roster(session, actor, gathering_id)
    text, keyboard = view.slot(listed, callback_data.s, policy.timezone, can_check_in=True)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer(_("✅ Checked in") if newly else _("Already checked in"))


async def send_spreadsheet(
    query: CallbackQuery,
    callback_data: Manage,
    session: AsyncSession,
    actor: Actor,
    policy: Policy,
) -> None:
    listed = await roster.roster(session, actor, callback_data.g)
    rendered = await asyncio.to_thread(export.spreadsheet, listed, policy.timezone)
    if rendered.attachment is None:  # cannot be built here: the line says what to install
        await message_of(query).answer(rendered.text)
    else:
        await answer_file(message_of(query), rendered)
    await query.answer()


def build() -> Router:
    router = Router(name="signups-roster")
    router.callback_query(Manage.filter(F.a == "roster"), flags=READS_ONLY)(show_slots)
    router.callback_query(RosterSlot.filter(), flags=READS_ONLY)(show_slots)
    router.callback_query(CheckIn.filter())(on_check_in)
    router.callback_query(Manage.filter(F.a == "export"), flags=READS_ONLY)(send_spreadsheet)
    router.callback_query(Manage.filter(F.a.in_({"close", "cancel"})), flags=READS_ONLY)(ask_ending)
    router.callback_query(Manage.filter(F.a.in_({"close-ok", "cancel-ok"})))(end)
    return router


async def ask_ending(
    query: CallbackQuery, callback_data: Manage, session: AsyncSession, actor: Actor
) -> None:
    """🔒 Stop sign-up / ✖️ Call it off: asked first."""
    info, _organizer = await queries.for_viewer(session, actor, callback_data.g)
    require(actor, ORGANIZERS, info.courtyard_id)
    text, keyboard = cards.ending_question(info, callback_data.a)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def end(
    query: CallbackQuery,
    callback_data: Manage,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    action = callback_data.a.removesuffix("-ok")
    told = 0
    if action == "close":
        await gatherings.close(session, actor, callback_data.g, clock())
    else:
        told = await gatherings.cancel(session, actor, callback_data.g, clock(), policy)
    info = await queries.details(session, callback_data.g)
    await message_of(query).edit_text(cards.ended(info, action, told))
    await query.answer()
