"""Looking at tickets: 📋 My requests, 🔧 My tickets, /tickets (open, overdue first),
/stats, /ticket WSL-0001, one ticket's details, and its photos and voice notes."""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from handlers.flags import READS_ONLY
from handlers.tickets.common import message_of
from models import MediaKind, MediaStage
from services import courtyards
from services.access import Actor, Role, require
from services.clock import Clock
from services.errors import N_, InvalidInput
from services.policy import Policy
from services.tickets import queries, stats
from services.tickets.info import TicketInfo
from services.tickets.permissions import OVERSEERS, STATS_READERS, capacity
from views.callbacks import PickCourtyard
from views.menu import MenuButton
from views.text import h
from views.tickets import lists as view
from views.tickets.callbacks import Act, ListKind, ListPage, Look
from views.tickets.cards import detail
from views.tickets.menu import MY_REQUESTS, MY_TICKETS, OPEN_TICKETS, REPAIR_FIGURES

ALL_COURTYARDS = 0


async def _list(
    session: AsyncSession,
    actor: Actor,
    kind: ListKind,
    courtyard_id: int,
    page: int,
    clock: Clock,
    policy: Policy,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of a list, as text and buttons (◀ ▶ turn the pages)."""
    if kind is ListKind.REQUESTS:
        found = await queries.my_requests(session, actor, clock(), page)
        return view.my_requests(found, policy.timezone)
    if kind is ListKind.MINE:
        work = await queries.my_tickets(session, actor, clock(), page)
        return view.my_tickets(work, policy.timezone, clock())
    board = await queries.open_tickets(session, actor, courtyard_id, clock(), page)
    return view.open_tickets(board, policy.timezone, clock())


async def my_requests(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    text, keyboard = await _list(session, actor, ListKind.REQUESTS, 0, 0, clock, policy)
    await message.answer(text, reply_markup=keyboard)


async def my_tickets(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    text, keyboard = await _list(session, actor, ListKind.MINE, 0, 0, clock, policy)
    await message.answer(text, reply_markup=keyboard)


async def on_page(
    query: CallbackQuery,
    callback_data: ListPage,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    """◀ ▶: the same message shows another page."""
    text, keyboard = await _list(
        session, actor, callback_data.k, callback_data.c, callback_data.p, clock, policy
    )
    with contextlib.suppress(TelegramBadRequest):  # the page shown already: not modified
        await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def _pick(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    mode: str,
    roles: tuple[Role, ...],
    *,
    everywhere: bool,
) -> int | None:
    """The one courtyard this person oversees, or None after offering a choice."""
    scope = actor.courtyards_as(roles)
    yards = await courtyards.courtyards_for(session, scope)
    if len(yards) == 1 and not (everywhere and scope is None):
        return yards[0].id
    rows = [
        [InlineKeyboardButton(text=c.name, callback_data=PickCourtyard(mode=mode, c=c.id).pack())]
        for c in yards
    ]
    if everywhere and scope is None:
        rows.insert(
            0,
            [
                InlineKeyboardButton(
                    text=_("All courtyards"),
                    callback_data=PickCourtyard(mode=mode, c=ALL_COURTYARDS).pack(),
                )
            ],
        )
    await message.answer(
        _("Which courtyard?"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )
    return None


async def _board(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    courtyard_id: int,
    clock: Clock,
    policy: Policy,
) -> None:
    text, keyboard = await _list(session, actor, ListKind.OPEN, courtyard_id, 0, clock, policy)
    await message.answer(text, reply_markup=keyboard)


async def open_tickets(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    require(actor, OVERSEERS)
    courtyard_id = await _pick(message, session, actor, "tl", OVERSEERS, everywhere=False)
    if courtyard_id is not None:
        await _board(message, session, actor, courtyard_id, clock, policy)


async def _stats(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    courtyard_id: int | None,
    clock: Clock,
    policy: Policy,
) -> None:
    found = await stats.summary(session, actor, courtyard_id, clock())
    await message.answer(view.stats(found, policy.timezone))


async def show_stats(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    require(actor, STATS_READERS)
    courtyard_id = await _pick(message, session, actor, "ts", STATS_READERS, everywhere=True)
    if courtyard_id is not None:
        await _stats(message, session, actor, courtyard_id, clock, policy)


async def on_courtyard(
    query: CallbackQuery,
    callback_data: PickCourtyard,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    if callback_data.mode == "tl":
        await _board(message, session, actor, callback_data.c, clock, policy)
    else:
        chosen = None if callback_data.c == ALL_COURTYARDS else callback_data.c
        await _stats(message, session, actor, chosen, clock, policy)
    await query.answer()


async def _detail(
    message: Message, actor: Actor, info: TicketInfo, clock: Clock, policy: Policy
) -> None:
    viewer = capacity(
        actor,
        courtyard_id=info.courtyard_id,
        household_id=info.household_id,
        reporter_id=info.reporter_id,
        on_behalf=info.on_behalf,
        assignee_id=info.assignee_id,
    )
    rendered = detail(info, viewer, policy.timezone, clock())
    await message.answer(rendered.text, reply_markup=rendered.reply_markup)


async def find(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    number = (command.args or "").strip()
    if not number:
        raise InvalidInput(N_("Please add the ticket number, like: /ticket WSL-0001"))
    await _detail(message, actor, await queries.find(session, actor, number), clock, policy)


async def on_show(
    query: CallbackQuery,
    callback_data: Act,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    info = await queries.detail(session, actor, callback_data.t)
    await _detail(message_of(query), actor, info, clock, policy)
    await query.answer()


async def on_media(
    query: CallbackQuery, callback_data: Act, session: AsyncSession, actor: Actor
) -> None:
    """Photos and voice notes, shown where the button was tapped, to those allowed."""
    items = await queries.media(session, actor, callback_data.t)
    info = await queries.detail(session, actor, callback_data.t)
    message = message_of(query)
    for item in items:
        caption = h(info.number)
        if item.stage is MediaStage.AFTER:
            caption += " · " + _("after the fix")
        if item.kind is MediaKind.PHOTO:
            await message.answer_photo(item.file_id, caption=caption)
        else:
            await message.answer_voice(item.file_id, caption=caption)
    await query.answer()


def build() -> Router:
    router = Router(name="tickets-lists")
    router.message(MenuButton(MY_REQUESTS), PRIVATE)(my_requests)
    router.message(Command("requests"), PRIVATE)(my_requests)
    router.message(MenuButton(MY_TICKETS), PRIVATE)(my_tickets)
    router.message(Command("mytickets"), PRIVATE)(my_tickets)
    router.message(MenuButton(OPEN_TICKETS), PRIVATE)(open_tickets)
    router.message(Command("tickets"), PRIVATE)(open_tickets)
    router.message(Command("stats"), PRIVATE)(show_stats)
    router.message(MenuButton(REPAIR_FIGURES), PRIVATE)(show_stats)
    router.message(Command("ticket"), PRIVATE)(find)
    router.callback_query(PickCourtyard.filter(F.mode.in_({"tl", "ts"})))(on_courtyard)
    router.callback_query(Act.filter(F.a == Look.SHOW))(on_show)
    router.callback_query(Act.filter(F.a == Look.MEDIA))(on_media)
    router.callback_query(ListPage.filter(), flags=READS_ONLY)(on_page)
    return router
