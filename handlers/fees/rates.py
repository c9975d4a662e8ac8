"""/fees and 📊 Collection rates: for finance, grid leaders, supervisors and admins in private
(their courtyards; admins and supervisors every courtyard), with the month switch, a chart and,
for finance and grid leaders of a courtyard, its list of households owing. In a linked group
chat /fees shows that courtyard's aggregate rates only."""

from __future__ import annotations

import asyncio
import contextlib
from functools import partial

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.attachments import answer_file
from handlers.buttons import message_of
from handlers.filters import GROUPS, PRIVATE
from handlers.flags import READS_ONLY
from services import courtyards
from services.access import Actor, require
from services.clock import Clock
from services.courtyards import BoundGroup
from services.fees import arrears, collection, periods
from services.fees.collection import READERS, Collection
from services.policy import Policy
from views.documents.charts import Series, bar_chart
from views.documents.errors import DocumentsUnavailable, explain
from views.fees import rates as view
from views.fees.finance_callbacks import OwingList, RatesView
from views.fees.menu import COLLECTION_RATES
from views.menu import MenuButton
from views.outbox import Attachment, Rendered


def this_period(clock: Clock, policy: Policy) -> str:
    """The month it is now where the courtyards are."""
    return periods.of(policy.local(clock()).date())


def _period(command: CommandObject | None, clock: Clock, policy: Policy) -> str:
    typed = (command.args or "").strip() if command is not None else ""
    return periods.parse(typed) if typed else this_period(clock, policy)


async def _screen(
    session: AsyncSession,
    actor: Actor,
    courtyard_id: int,
    period: str,
    page: int,
    current: str,
) -> view.RatesScreen:
    rows = await collection.report(session, actor, period, [courtyard_id] if courtyard_id else None)
    yards = rows[:-1]
    pages = max(1, -(-len(yards) // view.COURTYARDS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = yards[page * view.COURTYARDS_PER_PAGE : (page + 1) * view.COURTYARDS_PER_PAGE]
    listable = [
        (r.courtyard_id, r.courtyard)
        for r in shown
        if r.courtyard_id is not None and actor.has_any(arrears.LISTERS, r.courtyard_id)
    ]
    return view.RatesScreen(
        period=period,
        current_period=current,
        rows=shown,
        total=rows[-1] if len(yards) > 1 else None,
        courtyard=courtyard_id,
        page=page,
        pages=pages,
        listable=listable,
    )


async def _chart(
    message: Message, rows: list[Collection] | tuple[Collection, ...], period: str
) -> None:
    """The rates of these courtyards as a PNG; one clear line instead when it cannot be drawn."""
    by_households, by_amount = view.series_names()
    draw = partial(
        bar_chart,
        title=view.chart_title(period),
        categories=[r.courtyard for r in rows],
        series=[
            Series(by_households, [r.rate_by_households for r in rows]),
            Series(by_amount, [r.rate_by_amount for r in rows]),
        ],
        percent=True,
    )
    try:
        png = await asyncio.to_thread(draw)  # drawing takes a while: not in the event loop
    except DocumentsUnavailable as missing:
        await message.answer(explain(missing, _))
        return
    chart = Attachment(png, filename=f"collection-{period}.png", as_photo=True)
    await answer_file(message, Rendered(view.chart_caption(period), attachment=chart))


async def _show(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    period: str,
    clock: Clock,
    policy: Policy,
) -> None:
    screen = await _screen(session, actor, 0, period, 0, this_period(clock, policy))
    await message.answer(view.staff_text(screen), reply_markup=view.staff_keyboard(screen))
    await _chart(message, list(screen.rows), period)


async def show_rates(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
    command: CommandObject | None = None,
) -> None:
    require(actor, READERS)
    await _show(message, session, actor, _period(command, clock, policy), clock, policy)


async def group_rates(
    message: Message,
    session: AsyncSession,
    clock: Clock,
    policy: Policy,
    group: BoundGroup | None = None,
    command: CommandObject | None = None,
) -> None:
    """Anyone in a linked group may ask: the answer holds aggregates only."""
    if group is None:
        return
    period = _period(command, clock, policy)
    row = await collection.for_group(session, group.courtyard_id, period)
    await message.answer(view.group_text(row, row.courtyard))


async def on_view(
    query: CallbackQuery,
    callback_data: RatesView,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    period = periods.parse(callback_data.p)
    screen = await _screen(
        session, actor, callback_data.c, period, callback_data.n, this_period(clock, policy)
    )
    message = message_of(query)
    if callback_data.a == "chart":
        await query.answer()
        await _chart(message, list(screen.rows), period)
        return
    with contextlib.suppress(TelegramBadRequest):  # the same figures again: not modified
        await message.edit_text(view.staff_text(screen), reply_markup=view.staff_keyboard(screen))
    await query.answer()


async def on_owing(
    query: CallbackQuery,
    callback_data: OwingList,
    session: AsyncSession,
    actor: Actor,
) -> None:
    """The list of households owing: staff of the courtyard, in their private chat only."""
    message = message_of(query)
    if message.chat.type != "private":
        await query.answer(_("This list is shown in a private chat only."), show_alert=True)
        return
    period = periods.parse(callback_data.p)
    found = await arrears.owing(session, actor, callback_data.c, period, callback_data.n)
    name = (await courtyards.courtyards_for(session, {callback_data.c}))[0].name
    text, keyboard = view.owing_text(found, name), view.owing_keyboard(found)
    if callback_data.n == 0 and not _is_owing_list(message):
        await message.answer(text, reply_markup=keyboard)
    else:
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_text(text, reply_markup=keyboard)
    await query.answer()


def _is_owing_list(message: Message) -> bool:
    """A page of the list turns into another page; the rates screen stays as it is."""
    markup = message.reply_markup
    return bool(markup) and all(
        (b.callback_data or "").startswith(OwingList.__prefix__)
        for row in markup.inline_keyboard  # type: ignore[union-attr]
        for b in row
    )


def build() -> Router:
    router = Router(name="fees-rates")
    router.message(Command("fees"), PRIVATE, flags=READS_ONLY)(show_rates)
    router.message(MenuButton(COLLECTION_RATES), PRIVATE, flags=READS_ONLY)(show_rates)
    router.message(Command("fees"), GROUPS, flags=READS_ONLY)(group_rates)
    router.callback_query(RatesView.filter(), flags=READS_ONLY)(on_view)
    router.callback_query(OwingList.filter(), flags=READS_ONLY)(on_owing)
    return router
