"""Reading notices: a resident's 📢 通知公告 (paged, one opened in full), and an author's
我发的通知 with one notice's live counts. Nothing here changes the store."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from handlers.flags import READS_ONLY
from handlers.notices.common import message_of, show
from services.access import Actor, Role, require
from services.clock import Clock
from services.notices import compose, reading
from services.policy import Policy
from views.menu import MenuButton
from views.notices import card
from views.notices import lists as view
from views.notices.callbacks import ListKind, ListPage, NoticeAction, Step
from views.notices.menu import MINE, NOTICES


async def _recent(
    session: AsyncSession, actor: Actor, clock: Clock, policy: Policy, page: int
) -> view.Shown:
    require(actor, (Role.RESIDENT,))
    lines, at = await reading.recent_for(session, actor, clock(), page)
    return view.recent(lines, at, policy.timezone)


async def _mine(
    session: AsyncSession, actor: Actor, clock: Clock, policy: Policy, page: int
) -> view.Shown:
    require(actor, compose.COMPOSERS)
    lines, at = await reading.mine(session, actor, page)
    return view.mine(lines, at, policy.timezone, clock())


async def recent(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    text, keyboard = await _recent(session, actor, clock, policy, 0)
    await message.answer(text, reply_markup=keyboard)


async def mine(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    text, keyboard = await _mine(session, actor, clock, policy, 0)
    await message.answer(text, reply_markup=keyboard)


async def on_page(
    query: CallbackQuery,
    callback_data: ListPage,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    pages = _recent if callback_data.k is ListKind.RECENT else _mine
    text, keyboard = await pages(session, actor, clock, policy, callback_data.p)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_read(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    info, acknowledged = await reading.read(session, actor, callback_data.n, clock())
    await show(message_of(query), card.rendered(info, policy.timezone, buttons=not acknowledged))
    await query.answer()


async def on_show(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    now = clock()
    shown = await reading.for_author(session, actor, callback_data.n, now)
    text, keyboard = view.author(shown, policy.timezone, now)
    message = message_of(query)
    if callback_data.a is NoticeAction.REFRESH:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)
    await query.answer()


def build() -> Router:
    router = Router(name="notices-lists")
    router.message(Command("notices"), PRIVATE, flags=READS_ONLY)(recent)
    router.message(MenuButton(NOTICES), PRIVATE, flags=READS_ONLY)(recent)
    router.message(Command("mynotices"), PRIVATE, flags=READS_ONLY)(mine)
    router.message(MenuButton(MINE), PRIVATE, flags=READS_ONLY)(mine)
    router.callback_query(ListPage.filter(), flags=READS_ONLY)(on_page)
    router.callback_query(Step.filter(F.a == NoticeAction.READ), flags=READS_ONLY)(on_read)
    router.callback_query(
        Step.filter(F.a.in_({NoticeAction.SHOW, NoticeAction.REFRESH})), flags=READS_ONLY
    )(on_show)
    return router
