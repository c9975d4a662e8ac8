"""🧾 Payments and reversals, from a household's screen in 💵 Record a payment: its latest
payments, each not yet reversed with 「冲正」; the reason is required and kept; the payment is
never deleted (services.fees.payments.reverse)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.buttons import message_of
from handlers.fees.finance_common import ask, ask_again, leaving
from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.fees import accounts, payments
from services.fees.errors import ReasonRequired
from views.fees import finance_payments as view
from views.fees.finance_callbacks import PayStep


class Reversing(StatesGroup):
    reason = State()


async def show_history(
    query: CallbackQuery,
    callback_data: PayStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    household_id = callback_data.h
    rows = await accounts.payments_of(session, actor, household_id)
    dues = await accounts.dues(session, actor, household_id)
    await state.clear()  # the payment being recorded is left
    text, keyboard = view.history(dues.label, household_id, rows)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def ask_reason(
    query: CallbackQuery,
    callback_data: PayStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    household_id, receipt = callback_data.h, callback_data.v
    dues = await accounts.dues(session, actor, household_id)
    owner = await accounts.household_of_receipt(session, actor, dues.courtyard_id, receipt)
    if owner != household_id:
        raise Stale()
    await state.set_data({"h": household_id, "c": dues.courtyard_id, "receipt": receipt})
    await ask(message_of(query), state, Reversing.reason, view.ask_reversal_reason(receipt))
    await query.answer()


async def on_reason(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, clock: Clock
) -> None:
    data = await state.get_data()
    receipt, reason = str(data["receipt"]), (message.text or "").strip()
    await state.clear()  # any refusal but a missing reason ends the step
    try:
        await payments.reverse(session, actor, int(data["c"]), receipt, reason=reason, now=clock())
    except ReasonRequired as error:  # refused before anything was written
        await state.set_data(data)
        await state.set_state(Reversing.reason)
        await ask_again(message, state, error, view.ask_reversal_reason(receipt))
        return
    await message.answer(view.reversed_done(receipt, reason))


def build() -> Router:
    """Before the payment steps' router, which takes every other PayStep button."""
    router = Router(name="fees-reversals")
    leaving(router, Reversing)
    router.callback_query(PayStep.filter(F.a == "history"), flags=READS_ONLY)(show_history)
    router.callback_query(PayStep.filter(F.a == "reverse"), flags=READS_ONLY)(ask_reason)
    return router


def build_inputs() -> Router:
    router = Router(name="fees-reversals-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    router.message(StateFilter(Reversing.reason), Where(F.text))(on_reason)
    return router
