"""💵 Record a payment (/pay): the household picker → what it owes → method → amount (the whole
amount is a button) → date (Today is a button) → optional reference → optional photo → check →
recorded with its receipt number, and the household's members get the receipt.

From the same household screen: its payments and reversals (handlers.fees.finance_reversals).
A typed answer that breaks a rule gets the rule's words and the same step again; the payment is
written only on ✅, by services.fees.payments.record."""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import picker
from handlers.buttons import message_of
from handlers.fees.finance_common import (
    ask,
    ask_again,
    cancelled,
    expect,
    leaving,
    one_courtyard,
)
from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from models import PaymentMethod
from services.access import Actor, require
from services.clock import Clock
from services.errors import N_, DomainError, InvalidInput, Stale
from services.fees import accounts, money, payments
from services.fees.errors import DuplicateReference, FutureDate
from services.policy import Policy
from views.callbacks import PickCourtyard
from views.fees import finance_payments as view
from views.fees.finance_callbacks import PayStep
from views.fees.menu import RECORD_PAYMENT
from views.menu import MenuButton

MODE = "fnm"


class Paying(StatesGroup):
    method = State()
    amount = State()
    day = State()
    reference = State()
    photo = State()
    confirm = State()


async def on_picked(picked: picker.Picked, household_id: int) -> None:
    dues = await accounts.dues(picked.session, picked.actor, household_id)
    await picked.state.set_data(
        {"h": dues.household_id, "c": dues.courtyard_id, "label": dues.label, "due": dues.total_fen}
    )
    await picked.state.set_state(Paying.method)
    await picked.screen.show(*view.dues_screen(dues))


PAY_FOR = picker.Purpose(
    code="fm",
    allowed=picker.requiring(payments.RECORDERS),
    on_picked=on_picked,
    question=__("💵 Recording a payment. Which building?"),
)


def _today(clock: Clock, policy: Policy) -> date:
    return policy.local(clock()).date()


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    require(actor, payments.RECORDERS)
    await state.clear()
    courtyard_id = await one_courtyard(
        message, session, actor, payments.RECORDERS, MODE, _("💵 A payment in which courtyard?")
    )
    if courtyard_id is not None:
        await picker.start(message, state, session, actor, PAY_FOR, courtyard_id)


async def on_courtyard(
    query: CallbackQuery,
    callback_data: PickCourtyard,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await picker.start(
        message_of(query), state, session, actor, PAY_FOR, callback_data.c, edit=True
    )
    await query.answer()


def _draft(data: dict[str, object]) -> view.PaymentDraft:
    try:
        return view.PaymentDraft(
            household=str(data["label"]),
            method=PaymentMethod(str(data["method"])),
            amount_fen=int(str(data["amount"])),
            paid_on=date.fromisoformat(str(data["day"])),
            reference=str(data["ref"]) if data.get("ref") else None,
            photo=bool(data.get("photo")),
        )
    except (KeyError, ValueError):
        raise Stale() from None


async def _to_day(
    message: Message, state: FSMContext, amount: int, clock: Clock, policy: Policy, *, edit: bool
) -> None:
    await state.update_data(amount=amount)
    await ask(message, state, Paying.day, view.ask_day(_today(clock, policy)), edit=edit)


async def _to_reference(message: Message, state: FSMContext, day: date, *, edit: bool) -> None:
    await state.update_data(day=day.isoformat())
    await ask(message, state, Paying.reference, view.ask_reference(), edit=edit)


async def _to_confirm(message: Message, state: FSMContext, *, edit: bool) -> None:
    data = await state.get_data()
    await ask(message, state, Paying.confirm, view.confirmation(_draft(data)), edit=edit)


async def on_step(
    query: CallbackQuery,
    callback_data: PayStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    action = callback_data.a
    if action == "method":
        data = await expect(state, Paying.method)
        try:
            method = PaymentMethod(callback_data.v)
        except ValueError:
            raise Stale() from None
        await state.update_data(method=method.value)
        question = view.ask_amount(method, int(data.get("due") or 0))
        await ask(message, state, Paying.amount, question, edit=True)
    elif action == "all":
        data = await expect(state, Paying.amount)
        if int(data.get("due") or 0) <= 0:
            raise Stale()
        await _to_day(message, state, int(data["due"]), clock, policy, edit=True)
    elif action == "today":
        await expect(state, Paying.day)
        await _to_reference(message, state, _today(clock, policy), edit=True)
    elif action == "skip":
        step = await state.get_state()
        await expect(state, Paying.reference, Paying.photo)
        if step == Paying.reference.state:
            await state.update_data(ref=None)
            await ask(message, state, Paying.photo, view.ask_photo(), edit=True)
        else:
            await state.update_data(photo=None)
            await _to_confirm(message, state, edit=True)
    elif action == "ok":
        await record(message, session, actor, state, clock, policy)
    elif action == "cancel":  # also under the payments list, outside any step
        await state.clear()
        await message.edit_text(cancelled())
    else:
        raise Stale()
    await query.answer()


async def on_amount(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    data = await state.get_data()
    try:
        amount = money.amount_fen(message.text or "")
    except DomainError as error:
        method = PaymentMethod(str(data["method"]))
        await ask_again(message, state, error, view.ask_amount(method, int(data.get("due") or 0)))
        return
    await _to_day(message, state, amount, clock, policy, edit=False)


async def on_day(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    today = _today(clock, policy)
    try:
        day = payments.parse_day(message.text or "")
        if day > today:
            raise FutureDate(date=day.isoformat())
    except DomainError as error:
        await ask_again(message, state, error, view.ask_day(today))
        return
    await _to_reference(message, state, day, edit=False)


async def on_reference(message: Message, session: AsyncSession, state: FSMContext) -> None:
    data = await state.get_data()
    reference = (message.text or "").strip()[: payments.MAX_REFERENCE]
    try:
        await payments.check_reference(session, int(data["c"]), reference)
    except DuplicateReference as error:
        await ask_again(message, state, error, view.ask_reference())
        return
    await state.update_data(ref=reference)
    await ask(message, state, Paying.photo, view.ask_photo())


async def on_photo(message: Message, state: FSMContext) -> None:
    assert message.photo
    await state.update_data(photo=message.photo[-1].file_id)
    await _to_confirm(message, state, edit=False)


async def record(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await expect(state, Paying.confirm)
    draft = _draft(data)
    courtyard_id = int(data["c"])
    try:  # asked at its step; another clerk may have recorded it since: nothing written yet
        await payments.check_reference(session, courtyard_id, draft.reference)
    except DuplicateReference as error:
        await state.set_state(Paying.reference)
        await ask_again(message, state, error, view.ask_reference())
        return
    # a clerk at the same moment: record() refuses the second under the counter's lock, and
    # the middleware rolls everything back and says why
    info = await payments.record(
        session,
        actor,
        courtyard_id,
        int(data["h"]),
        amount_fen=draft.amount_fen,
        method=draft.method,
        paid_on=draft.paid_on,
        today=_today(clock, policy),
        now=clock(),
        reference=draft.reference,
        photo_file_id=str(data["photo"]) if data.get("photo") else None,
        policy=policy,  # the receipt to the household waits out the quiet hours
    )
    await state.clear()
    await message.edit_text(view.recorded(info, draft.household))


async def use_buttons(message: Message) -> None:
    raise InvalidInput(N_("Please use the buttons above, or tap ✖ Cancel."))


async def photo_or_skip(message: Message) -> None:
    raise InvalidInput(N_("Please send a photo (not a file), or tap Skip."))


def build() -> Router:
    router = Router(name="fees-payments")
    leaving(router, Paying)
    router.include_router(picker.router(PAY_FOR))
    router.message(Command("pay"), PRIVATE, flags=READS_ONLY)(begin)
    router.message(MenuButton(RECORD_PAYMENT), PRIVATE, flags=READS_ONLY)(begin)
    router.callback_query(PickCourtyard.filter(F.mode == MODE), flags=READS_ONLY)(on_courtyard)
    router.callback_query(PayStep.filter())(on_step)
    return router


def build_inputs() -> Router:
    """What the clerk types or sends at each step; after every feature's buttons."""
    router = Router(name="fees-payments-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    typed = Where(F.text)
    router.message(StateFilter(Paying.amount), typed, flags=READS_ONLY)(on_amount)
    router.message(StateFilter(Paying.day), typed, flags=READS_ONLY)(on_day)
    router.message(StateFilter(Paying.reference), typed, flags=READS_ONLY)(on_reference)
    router.message(StateFilter(Paying.photo), Where(F.photo), flags=READS_ONLY)(on_photo)
    router.message(StateFilter(Paying.photo), flags=READS_ONLY)(photo_or_skip)
    router.message(StateFilter(Paying), flags=READS_ONLY)(use_buttons)
    return router
