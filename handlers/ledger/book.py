"""A courtyard's book for staff and supervisors (🧾 Ledger, /ledger): the overview with the
expenses waiting for approval, the chain's verification, a month's files; for finance, publishing
a month (/publish); for admins, approving or rejecting a large expense."""

from __future__ import annotations

import asyncio
from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.attachments import answer_file
from handlers.filters import PRIVATE
from handlers.flags import READS_ONLY
from handlers.tickets.common import drop_buttons, message_of
from models import EvidenceKind
from services.access import Actor, require
from services.clock import Clock
from services.errors import N_, InvalidInput, Stale
from services.fees import periods
from services.ledger import booking, disclosure, queries, report, verification
from services.ledger.errors import UnapprovedExpenses
from services.policy import Policy
from views.ledger import screens
from views.ledger.callbacks import Book, Decide, Proof
from views.ledger.menu import LEDGER
from views.ledger.renderers import disclosure as render_disclosure
from views.menu import MenuButton
from views.outbox import RenderContext


def _months(clock: Clock, policy: Policy) -> list[str]:
    """The months offered: last month and this one."""
    this = periods.of(clock().astimezone(policy.timezone).date())
    return [periods.shift(this, -1), this]


def _today(clock: Clock, policy: Policy) -> date:
    return clock().astimezone(policy.timezone).date()


async def _show(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    courtyard_id: int,
    clock: Clock,
    policy: Policy,
    *,
    edit: bool = False,
) -> None:
    found = await queries.overview(session, actor, courtyard_id)
    text, keyboard = screens.overview(
        found,
        can_book=actor.has_any(booking.BOOKERS, courtyard_id),
        can_approve=actor.has_any(booking.APPROVERS, courtyard_id),
        months=_months(clock, policy),
    )
    if edit:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)


async def open_ledger(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    choices = await queries.courtyards_of(session, actor, booking.READERS)
    if not choices:
        require(actor, booking.READERS)
    if len(choices) == 1:
        await _show(message, session, actor, choices[0].id, clock, policy)
        return
    text, keyboard = screens.ledger_courtyards(choices)
    await message.answer(text, reply_markup=keyboard)


async def on_book(
    query: CallbackQuery,
    callback_data: Book,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    courtyard_id = callback_data.c
    if callback_data.a == "show":
        await _show(message, session, actor, courtyard_id, clock, policy, edit=True)
    elif callback_data.a == "verify":
        courtyard = await booking.check_serves(session, actor, courtyard_id, booking.READERS)
        found = await verification.verify(session, courtyard_id)
        await message.answer(screens.verdict(courtyard.name, found))
    elif callback_data.a == "export":
        month = await disclosure.month_for_export(
            session, actor, courtyard_id, callback_data.m, now=clock()
        )
        context = RenderContext(policy.timezone)
        for part in ("xlsx", "pdf"):
            one = month.model_copy(update={"part": part})
            rendered = await asyncio.to_thread(render_disclosure, one, context)  # not in the loop
            if rendered.attachment is None:
                await message.answer(rendered.text)
                break
            await answer_file(message, rendered)
    else:
        raise Stale()
    await query.answer()


async def on_publish(
    query: CallbackQuery,
    callback_data: Book,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    """📢 Publish: first the figures to check (nothing written), then ✅ publishes."""
    message = message_of(query)
    month = report.parse_month(callback_data.m)
    courtyard = await booking.check_serves(session, actor, callback_data.c, booking.BOOKERS)
    if not callback_data.ok:
        figures = await report.month_figures(session, courtyard.id, month)
        if figures.waiting:  # say so now, not after the tap that would publish
            raise UnapprovedExpenses(month=month, count=figures.waiting)
        text, keyboard = screens.publish_preview(
            courtyard.id, courtyard.name, month, figures.stored()
        )
        await message.answer(text, reply_markup=keyboard)
    else:
        published = await disclosure.publish(
            session,
            actor,
            courtyard.id,
            month,
            today=_today(clock, policy),
            now=clock(),
            policy=policy,
        )
        await drop_buttons(message)
        await message.answer(screens.published(published))
    await query.answer()


async def publish_command(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    await open_ledger(message, session, actor, clock, policy)


async def on_decide(
    query: CallbackQuery,
    callback_data: Decide,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    approval = await booking.decide(
        session,
        actor,
        callback_data.c,
        callback_data.s,
        approve=callback_data.ok,
        now=clock(),
        policy=policy,
    )
    await drop_buttons(message_of(query))
    text = screens.decision_done(callback_data.s, approved=approval.decision.value == "approved")
    await message_of(query).answer(text)
    await query.answer()


async def reverse_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    """/reverse 12 reason (one courtyard) or /reverse DSA 12 reason: a correcting entry."""
    words = (command.args or "").split(maxsplit=2)
    choices = await queries.courtyards_of(session, actor, booking.BOOKERS)
    if not choices:
        require(actor, booking.BOOKERS)
    if words and not words[0].isdigit():
        code = words.pop(0).upper()
        choices = [c for c in choices if c.code.upper() == code]
    if len(choices) != 1 or len(words) < 2 or not words[0].isdigit():
        raise InvalidInput(
            N_(
                "Write /reverse, the entry number and the reason, e.g. /reverse 12 金额录错 "
                "(with several courtyards, its code first: /reverse DSA 12 金额录错)."
            )
        )
    today = _today(clock, policy)
    entry = await booking.reverse(
        session,
        actor,
        choices[0].id,
        int(words[0]),
        reason=words[1],
        booked_on=today,
        today=today,
        now=clock(),
    )
    await message.answer(screens.reversed_by(int(words[0]), entry.seq))


async def on_proof(
    query: CallbackQuery, callback_data: Proof, session: AsyncSession, actor: Actor
) -> None:
    """📎: the invoice photos and files of an entry, sent again by their Telegram file ids."""
    message = message_of(query)
    for kind, file_id in await queries.evidence(session, actor, callback_data.c, callback_data.s):
        caption = f"#{callback_data.s}"
        if kind is EvidenceKind.PHOTO:
            await message.answer_photo(file_id, caption=caption)
        else:
            await message.answer_document(file_id, caption=caption)
    await query.answer()


def build() -> Router:
    router = Router(name="ledger-book")
    router.message(Command("ledger"), PRIVATE, flags=READS_ONLY)(open_ledger)
    router.message(MenuButton(LEDGER), PRIVATE, flags=READS_ONLY)(open_ledger)
    router.message(Command("publish"), PRIVATE, flags=READS_ONLY)(publish_command)
    router.message(Command("reverse"), PRIVATE)(reverse_command)
    router.callback_query(Book.filter(F.a == "publish"))(on_publish)
    router.callback_query(Book.filter(), flags=READS_ONLY)(on_book)
    router.callback_query(Decide.filter())(on_decide)
    router.callback_query(Proof.filter(), flags=READS_ONLY)(on_proof)
    return router
