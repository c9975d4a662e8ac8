"""🚪 The visit list (上门名单): a grid leader (or the service center) opens it from the menu
or /visits, taps a household, and taps what happened at the door; the same message goes back
to the list with the next households, so a round of visits is two taps a door."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from handlers.flags import READS_ONLY
from handlers.tickets.common import message_of
from services import courtyards, visits
from services.access import Actor, require
from services.clock import Clock
from services.errors import NotFound
from services.policy import Policy
from services.visits import VISITORS
from views import visits as view
from views.callbacks import PickCourtyard
from views.menu import MenuButton
from views.visits import VisitKinds, VisitLook, VisitMark, VisitPage

NO_KINDS: VisitKinds = {}


async def _page(
    session: AsyncSession,
    actor: Actor,
    courtyard_id: int,
    page: int,
    kinds: VisitKinds,
    done: str | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    found = await visits.open_for(session, actor, courtyard_id)
    named = await courtyards.courtyards_for(session, {courtyard_id})
    if not named:
        raise NotFound()
    return view.visit_list(named[0], found, page, kinds, done)


async def show(
    message: Message, session: AsyncSession, actor: Actor, visit_kinds: VisitKinds = NO_KINDS
) -> None:
    """The list of the one courtyard this person keeps, or which courtyard first."""
    require(actor, VISITORS)
    yards = await courtyards.courtyards_for(session, actor.courtyards_as(VISITORS))
    if len(yards) != 1:
        question, choices = view.pick_courtyard(yards)
        await message.answer(question, reply_markup=choices)
        return
    text, keyboard = await _page(session, actor, yards[0].id, 0, visit_kinds)
    await message.answer(text, reply_markup=keyboard)


async def on_courtyard(
    query: CallbackQuery,
    callback_data: PickCourtyard,
    session: AsyncSession,
    actor: Actor,
    visit_kinds: VisitKinds = NO_KINDS,
) -> None:
    text, keyboard = await _page(session, actor, callback_data.c, 0, visit_kinds)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_page(
    query: CallbackQuery,
    callback_data: VisitPage,
    session: AsyncSession,
    actor: Actor,
    visit_kinds: VisitKinds = NO_KINDS,
) -> None:
    """◀ ▶ and ↩ Back: the same message shows a page of the list."""
    text, keyboard = await _page(session, actor, callback_data.c, callback_data.p, visit_kinds)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_look(
    query: CallbackQuery,
    callback_data: VisitLook,
    session: AsyncSession,
    actor: Actor,
    policy: Policy,
    visit_kinds: VisitKinds = NO_KINDS,
) -> None:
    visit = await visits.one(session, actor, callback_data.t)
    if visit.done_at is not None:  # someone else recorded it meanwhile: back to the list
        done = view.recorded(visit)
        text, keyboard = await _page(
            session, actor, visit.courtyard_id, callback_data.p, visit_kinds, done
        )
    else:
        text, keyboard = view.household(visit, visit_kinds, callback_data.p, policy.timezone)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_mark(
    query: CallbackQuery,
    callback_data: VisitMark,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    visit_kinds: VisitKinds = NO_KINDS,
) -> None:
    """✅ 🚪 ✖: recorded, and the list again with what was recorded on top."""
    visit = await visits.mark_done(session, actor, callback_data.t, callback_data.o, clock())
    text, keyboard = await _page(
        session, actor, visit.courtyard_id, callback_data.p, visit_kinds, view.recorded(visit)
    )
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer(view.recorded_alert(visit))


def build() -> Router:
    router = Router(name="visits")
    router.message(MenuButton(view.VISIT_LIST), PRIVATE, flags=READS_ONLY)(show)
    router.message(Command("visits"), PRIVATE, flags=READS_ONLY)(show)
    router.callback_query(PickCourtyard.filter(F.mode == "vl"), flags=READS_ONLY)(on_courtyard)
    router.callback_query(VisitPage.filter(), flags=READS_ONLY)(on_page)
    router.callback_query(VisitLook.filter(), flags=READS_ONLY)(on_look)
    router.callback_query(VisitMark.filter())(on_mark)
    return router


def routers() -> list[Router]:
    return [build()]
