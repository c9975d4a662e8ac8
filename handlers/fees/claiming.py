""" "✅ I have paid" from a household's statement: the amount (typed), the method (buttons, may
be skipped), the transfer screenshot (a photo); then the claim goes to finance. ✖ Cancel,
/cancel or typing 取消 leaves at any step; another menu button leaves too."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.buttons import drop_buttons, message_of
from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from models import PaymentMethod
from services.access import Actor
from services.clock import Clock
from services.errors import N_, InvalidInput, Stale
from services.fees import claims, money, statements
from services.fees.errors import NotYourBill, ScreenshotRequired
from services.policy import Policy
from views.fees import claims as view
from views.fees.callbacks import BillsAct, BillsDo, ClaimMethod, ClaimStop
from views.menu import AnyMenuButton, main_menu

# what a person types to leave a step
CANCEL_WORDS = frozenset({"取消", "cancel", "Cancel", "退出"})


class PaymentClaiming(StatesGroup):
    amount = State()
    method = State()
    screenshot = State()


async def _expect(state: FSMContext, step: State) -> dict[str, Any]:
    if await state.get_state() != step.state:
        raise Stale()
    return await state.get_data()


async def on_paid(
    query: CallbackQuery,
    callback_data: BillsAct,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    """✅ I have paid: only a member of the household can say so."""
    if callback_data.h not in actor.households:
        raise NotYourBill()
    found = await statements.statement(
        session, actor, callback_data.h, today=policy.local(clock()).date()
    )
    await state.set_state(PaymentClaiming.amount)
    await state.set_data({"household_id": found.household_id, "home": found.label})
    text, keyboard = view.ask_amount(found.label, found.owed_fen)
    await message_of(query).answer(text, reply_markup=keyboard)
    await query.answer()


async def on_amount(message: Message, state: FSMContext) -> None:
    await _expect(state, PaymentClaiming.amount)
    fen = money.amount_fen(message.text or "")
    await state.update_data({"amount_fen": fen})
    await state.set_state(PaymentClaiming.method)
    text, keyboard = view.ask_method(fen)
    await message.answer(text, reply_markup=keyboard)


async def type_the_amount(message: Message) -> None:
    raise InvalidInput(N_("Please type the amount in yuan, for example 100 or 39.25."))


async def on_method(query: CallbackQuery, callback_data: ClaimMethod, state: FSMContext) -> None:
    await _expect(state, PaymentClaiming.method)
    chosen = None if callback_data.m == view.SKIP else PaymentMethod(callback_data.m).value
    await state.update_data({"method": chosen})
    await state.set_state(PaymentClaiming.screenshot)
    text, keyboard = view.ask_screenshot()
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def use_the_buttons(message: Message) -> None:
    raise InvalidInput(N_("Please tap one of the buttons above, or ✖ Cancel."))


async def on_screenshot(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await _expect(state, PaymentClaiming.screenshot)
    assert message.photo
    now = clock()
    method = data.get("method")
    claim = await claims.submit(
        session,
        actor,
        int(data["household_id"]),
        amount_fen=int(data["amount_fen"]),
        method=PaymentMethod(method) if method else None,
        photo_file_id=message.photo[-1].file_id,
        today=policy.local(now).date(),
        now=now,
        policy=policy,
    )
    await state.clear()
    await message.answer(
        view.sent(claim.amount_fen, claim.finance_told), reply_markup=main_menu(actor)
    )


async def not_a_photo(message: Message) -> None:
    raise ScreenshotRequired()


async def cancel(message: Message, state: FSMContext, actor: Actor) -> None:
    await state.clear()
    await message.answer(view.cancelled(), reply_markup=main_menu(actor))


async def on_stop(query: CallbackQuery, state: FSMContext) -> None:
    message = message_of(query)
    if await state.get_state() in STEPS:
        await state.clear()
        await message.edit_text(view.cancelled())
    else:
        await drop_buttons(message)
    await query.answer()


async def leave(message: Message, state: FSMContext) -> None:
    """Another menu button in the middle of a claim: the claim is dropped, the button works."""
    await state.clear()
    raise SkipHandler()


STEPS = frozenset(s.state for s in PaymentClaiming.__states__)


def build() -> Router:
    router = Router(name="fees-claiming")
    router.callback_query(BillsAct.filter(F.a == BillsDo.PAID), flags=READS_ONLY)(on_paid)
    router.callback_query(ClaimMethod.filter(), flags=READS_ONLY)(on_method)
    router.callback_query(ClaimStop.filter(F.what == "claim"), flags=READS_ONLY)(on_stop)
    router.message(Command("cancel"), StateFilter(PaymentClaiming), PRIVATE, flags=READS_ONLY)(
        cancel
    )
    router.message(StateFilter(PaymentClaiming), PRIVATE, AnyMenuButton(), flags=READS_ONLY)(leave)
    return router


def build_inputs() -> Router:
    router = Router(name="fees-claiming-inputs")
    router.message.filter(PRIVATE, StateFilter(PaymentClaiming), Where(~F.text.startswith("/")))
    router.message(Where(F.text.in_(CANCEL_WORDS)), flags=READS_ONLY)(cancel)
    router.message(StateFilter(PaymentClaiming.amount), Where(F.text), flags=READS_ONLY)(on_amount)
    router.message(StateFilter(PaymentClaiming.amount), flags=READS_ONLY)(type_the_amount)
    router.message(StateFilter(PaymentClaiming.method), flags=READS_ONLY)(use_the_buttons)
    router.message(StateFilter(PaymentClaiming.screenshot), Where(F.photo))(on_screenshot)
    router.message(StateFilter(PaymentClaiming.screenshot), flags=READS_ONLY)(not_a_photo)
    return router
