"""Finance on a resident's claim card: ✅ confirm and record (the payment is recorded and the
household gets its receipt), or ✖ reject, then the reason (required), which the resident is
told. A claim already decided (a second tap, another clerk) is answered with who handled it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.buttons import drop_buttons, message_of
from handlers.fees.claiming import CANCEL_WORDS
from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.fees import claims
from services.fees.errors import ClaimAlreadyDecided, ReasonRequired
from services.policy import Policy
from views.errors import error_text
from views.fees import claims as view
from views.fees.callbacks import ClaimStop, Decide
from views.menu import AnyMenuButton


class ClaimRejection(StatesGroup):
    reason = State()


async def on_decide(
    query: CallbackQuery,
    callback_data: Decide,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    try:
        if callback_data.ok:
            now = clock()
            claim, recorded = await claims.confirm(
                session,
                actor,
                callback_data.c,
                today=policy.local(now).date(),
                now=now,
                policy=policy,
            )
            await drop_buttons(message)
            await message.answer(
                view.confirmed(recorded.receipt_number, recorded.amount_fen, claim.home)
            )
        else:
            found = await claims.pending(session, actor, callback_data.c)
            await state.set_state(ClaimRejection.reason)
            await state.set_data({"claim_id": found.id})
            text, keyboard = view.ask_reason(found.home, found.amount_fen)
            await message.answer(text, reply_markup=keyboard)
    except ClaimAlreadyDecided as decided:
        # nothing was changed; nothing is left to decide on this card
        await drop_buttons(message)
        await query.answer(error_text(decided, html=False), show_alert=True)
        return
    await query.answer()


async def on_reason(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    if await state.get_state() != ClaimRejection.reason.state:
        raise Stale()
    claim_id = int((await state.get_data())["claim_id"])
    try:
        await claims.reject(
            session, actor, claim_id, reason=message.text or "", now=clock(), policy=policy
        )
    except ClaimAlreadyDecided:
        await state.clear()
        raise
    await state.clear()
    await message.answer(view.rejected_done((message.text or "").strip()))


async def type_a_reason(message: Message) -> None:
    raise ReasonRequired()


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(view.reason_cancelled())


async def on_stop(query: CallbackQuery, state: FSMContext) -> None:
    message = message_of(query)
    if await state.get_state() == ClaimRejection.reason.state:
        await state.clear()
        await message.edit_text(view.reason_cancelled())
    else:
        await drop_buttons(message)
    await query.answer()


async def leave(message: Message, state: FSMContext) -> None:
    await state.clear()
    raise SkipHandler()


def build() -> Router:
    router = Router(name="fees-deciding")
    # ✖ Reject only asks for the reason (it changes nothing yet); ✅ confirm records
    router.callback_query(Decide.filter(F.ok))(on_decide)
    router.callback_query(Decide.filter(~F.ok), flags=READS_ONLY)(on_decide)
    router.callback_query(ClaimStop.filter(F.what == "reason"), flags=READS_ONLY)(on_stop)
    router.message(Command("cancel"), StateFilter(ClaimRejection), PRIVATE, flags=READS_ONLY)(
        cancel
    )
    router.message(StateFilter(ClaimRejection), PRIVATE, AnyMenuButton(), flags=READS_ONLY)(leave)
    return router


def build_inputs() -> Router:
    router = Router(name="fees-deciding-inputs")
    router.message.filter(PRIVATE, StateFilter(ClaimRejection), Where(~F.text.startswith("/")))
    router.message(Where(F.text.in_(CANCEL_WORDS)), flags=READS_ONLY)(cancel)
    router.message(Where(F.text))(on_reason)
    router.message(flags=READS_ONLY)(type_a_reason)
    return router
