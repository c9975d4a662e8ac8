"""Grid leaders answer join requests: the card with Approve / Reject (a reason asked for a
rejection), and /pending, one paged message from which each request opens."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from services import membership
from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from views import membership as view
from views.callbacks import Decide
from views.menu import AnyMenuButton, MenuButton
from views.people import PENDING
from views.text import h


class Rejecting(StatesGroup):
    reason = State()


def _message(query: CallbackQuery) -> Message:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        raise Stale()
    return query.message


async def list_pending(
    message: Message, session: AsyncSession, actor: Actor, policy: Policy
) -> None:
    requests = await membership.pending(session, actor)
    if not requests:
        await message.answer(_("No join requests are waiting. 👍"))
        return
    text, keyboard = view.pending_page(requests, 0, policy.timezone)
    await message.answer(text, reply_markup=keyboard)


async def on_page(
    query: CallbackQuery,
    callback_data: view.PendingPage,
    session: AsyncSession,
    actor: Actor,
    policy: Policy,
) -> None:
    requests = await membership.pending(session, actor)
    if not requests:
        await _message(query).edit_text(_("No join requests are waiting. 👍"))
    else:
        text, keyboard = view.pending_page(requests, callback_data.p, policy.timezone)
        await _edit(_message(query), text, keyboard)
    await query.answer()


async def _edit(message: Message, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    await message.edit_text(text, reply_markup=keyboard)  # the same page again is fine


async def on_open(
    query: CallbackQuery, callback_data: view.PendingOpen, session: AsyncSession, actor: Actor
) -> None:
    await membership.may_decide(session, actor, callback_data.m)
    text, keyboard = view.card(await membership.card(session, callback_data.m), callback_data.p)
    await _edit(_message(query), text, keyboard)
    await query.answer()


def _outcome(decision: membership.Decision) -> str:
    values = {
        "name": h(decision.person),
        "courtyard": h(decision.courtyard_name),
        "household": h(decision.household_label),
    }
    if decision.approved:
        return _("✅ Approved: %(name)s, %(courtyard)s %(household)s.") % values
    return _("❌ Rejected: %(name)s, %(courtyard)s %(household)s.") % values


async def on_decide(
    query: CallbackQuery,
    callback_data: Decide,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    message = _message(query)
    if not callback_data.ok:  # a reason first
        await membership.may_decide(session, actor, callback_data.m)
        await state.set_state(Rejecting.reason)
        await state.set_data({"membership_id": callback_data.m})
        text, keyboard = view.reasons_keyboard(callback_data.m)
        await message.edit_text(text, reply_markup=keyboard)
        await query.answer()
        return
    decision = await membership.decide(session, actor, callback_data.m, True, clock())
    await message.edit_text(_outcome(decision))
    await query.answer(_("Done"))


async def on_reason(
    query: CallbackQuery,
    callback_data: view.RejectFor,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    if callback_data.r not in view.REJECT_REASONS:
        raise Stale()
    decision = await membership.decide(
        session, actor, callback_data.m, False, clock(), reason=callback_data.r
    )
    await state.clear()
    await _message(query).edit_text(_outcome(decision))
    await query.answer(_("Done"))


async def on_typed_reason(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, state: FSMContext
) -> None:
    membership_id = (await state.get_data()).get("membership_id")
    if membership_id is None:
        await state.clear()
        raise Stale()
    decision = await membership.decide(
        session, actor, int(membership_id), False, clock(), reason=message.text or ""
    )
    await state.clear()
    await message.answer(_outcome(decision))


async def leave(message: Message, state: FSMContext) -> None:
    """A command or a menu button instead of a reason: the rejection is not made."""
    await state.clear()
    raise SkipHandler()


def build() -> Router:
    """This feature's router; a new one per dispatcher."""
    router = Router(name="approvals")
    router.message(Command("pending"), PRIVATE)(list_pending)
    router.message(MenuButton(PENDING), PRIVATE)(list_pending)
    router.callback_query(view.PendingPage.filter())(on_page)
    router.callback_query(view.PendingOpen.filter())(on_open)
    router.callback_query(Decide.filter())(on_decide)
    router.callback_query(view.RejectFor.filter())(on_reason)
    router.message(
        PRIVATE,
        StateFilter(Rejecting.reason),
        Where(F.text),
        Where(~F.text.startswith("/")),
        ~AnyMenuButton(),
    )(on_typed_reason)
    router.message(PRIVATE, StateFilter(Rejecting.reason))(leave)
    return router
