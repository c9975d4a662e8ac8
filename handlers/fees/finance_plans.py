"""📐 Fee plans (/plans): the list for finance, admins and supervisors; a new plan step by step
for finance of the courtyard: name → rate per m² → parking fee → from month → preview → save.

Each typed answer is checked by the same rule the plan is saved with (services.fees); a bad one
gets that rule's words and the same step again, and nothing is kept from it. The plan is
written only on ✅ Save, by services.fees.plans.create."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.buttons import message_of
from handlers.fees.finance_common import (
    ask,
    ask_again,
    cancelled,
    expect,
    leaving,
    one_courtyard,
)
from handlers.fees.rates import this_period
from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from services import courtyards
from services.access import Actor, require
from services.clock import Clock
from services.errors import N_, DomainError, InvalidInput, Stale
from services.fees import money, plans
from services.fees.errors import PeriodAlreadyBilled, PlanPeriodTaken
from services.policy import Policy
from views.callbacks import PickCourtyard
from views.fees import finance_plans as view
from views.fees.finance_callbacks import PlanStep
from views.fees.menu import FEE_PLANS
from views.menu import MenuButton

MODE = "fnp"


class PlanSetting(StatesGroup):
    name = State()
    rate = State()
    parking = State()
    from_period = State()
    confirm = State()


async def _name_of(session: AsyncSession, courtyard_id: int) -> str:
    found = await courtyards.courtyards_for(session, {courtyard_id})
    if not found:
        raise Stale()
    return found[0].name


async def _listing(
    message: Message, session: AsyncSession, actor: Actor, courtyard_id: int, *, edit: bool
) -> None:
    rows = await plans.overview(session, actor, courtyard_id)
    text, keyboard = view.listing(
        await _name_of(session, courtyard_id),
        rows,
        courtyard_id=courtyard_id,
        can_add=actor.has_any(plans.PLANNERS, courtyard_id),
    )
    if edit:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    require(actor, plans.PLAN_READERS)
    await state.clear()
    courtyard_id = await one_courtyard(
        message, session, actor, plans.PLAN_READERS, MODE, _("📐 Fee plans of which courtyard?")
    )
    if courtyard_id is not None:
        await _listing(message, session, actor, courtyard_id, edit=False)


async def on_courtyard(
    query: CallbackQuery, callback_data: PickCourtyard, session: AsyncSession, actor: Actor
) -> None:
    await _listing(message_of(query), session, actor, callback_data.c, edit=True)
    await query.answer()


async def _earliest(session: AsyncSession, courtyard_id: int, clock: Clock, policy: Policy) -> str:
    return await plans.earliest_new_period(session, courtyard_id, this_period(clock, policy))


async def on_step(
    query: CallbackQuery,
    callback_data: PlanStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    action = callback_data.a
    if action == "use":
        data = await expect(state, PlanSetting.from_period)
        await _take_period(message, session, state, data, callback_data.v, clock, policy)
    elif action == "ok":
        await save(message, session, actor, state, clock, policy)
    elif action == "cancel":
        await expect(state, *PlanSetting.__states__)
        await state.clear()
        await message.edit_text(cancelled())
    else:
        raise Stale()
    await query.answer()


async def on_new(
    query: CallbackQuery,
    callback_data: PlanStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    """➕ New plan: its first question below the list (nothing is written until ✅)."""
    require(actor, plans.PLANNERS, callback_data.c)
    name = await _name_of(session, callback_data.c)
    await state.set_data({"c": callback_data.c, "yard": name})
    await ask(message_of(query), state, PlanSetting.name, view.ask_name(name))
    await query.answer()


async def on_name(message: Message, state: FSMContext) -> None:
    try:
        name = plans.clean_name(message.text)
    except DomainError as error:
        data = await state.get_data()
        await ask_again(message, state, error, view.ask_name(str(data.get("yard", ""))))
        return
    await state.update_data(name=name)
    await ask(message, state, PlanSetting.rate, view.ask_rate())


async def on_rate(message: Message, state: FSMContext) -> None:
    text = (message.text or "").strip()
    try:
        money.rate_per_m2(text)
    except DomainError as error:
        await ask_again(message, state, error, view.ask_rate())
        return
    await state.update_data(rate=text)
    await ask(message, state, PlanSetting.parking, view.ask_parking())


async def on_parking(
    message: Message, session: AsyncSession, state: FSMContext, clock: Clock, policy: Policy
) -> None:
    text = (message.text or "").strip()
    try:
        money.parking_fee_fen(text)
    except DomainError as error:
        await ask_again(message, state, error, view.ask_parking())
        return
    data = await state.update_data(parking=text)
    earliest = await _earliest(session, int(data["c"]), clock, policy)
    await ask(message, state, PlanSetting.from_period, view.ask_from(earliest))


async def on_from(
    message: Message, session: AsyncSession, state: FSMContext, clock: Clock, policy: Policy
) -> None:
    data = await state.get_data()
    await _take_period(message, session, state, data, message.text or "", clock, policy)


async def _take_period(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    data: dict[str, object],
    text: str,
    clock: Clock,
    policy: Policy,
) -> None:
    courtyard_id = int(str(data["c"]))
    try:
        period = await plans.check_from_period(session, courtyard_id, text)
    except DomainError as error:
        earliest = await _earliest(session, courtyard_id, clock, policy)
        await ask_again(message, state, error, view.ask_from(earliest))
        return
    await state.update_data(from_period=period)
    question = view.preview(
        str(data["yard"]),
        str(data["name"]),
        money.rate_per_m2(str(data["rate"])),
        money.parking_fee_fen(str(data["parking"])),
        period,
    )
    await ask(message, state, PlanSetting.confirm, question)


async def save(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await expect(state, PlanSetting.confirm)
    courtyard_id = int(data["c"])
    try:
        plan = await plans.create(
            session,
            actor,
            courtyard_id,
            name=str(data["name"]),
            rate=str(data["rate"]),
            parking_fee=str(data["parking"]),
            from_period=str(data["from_period"]),
            now=clock(),
        )
    except (PeriodAlreadyBilled, PlanPeriodTaken) as error:
        # billed (or taken) since the preview: nothing was written; ask for the month again
        earliest = await _earliest(session, courtyard_id, clock, policy)
        await state.set_state(PlanSetting.from_period)
        await ask_again(message, state, error, view.ask_from(earliest))
        return
    await state.clear()
    await message.edit_text(view.saved(plan, str(data["yard"])))


async def use_buttons(message: Message) -> None:
    raise InvalidInput(N_("Please use the buttons above, or tap ✖ Cancel."))


def build() -> Router:
    router = Router(name="fees-plans")
    leaving(router, PlanSetting)
    router.message(Command("plans"), PRIVATE, flags=READS_ONLY)(begin)
    router.message(MenuButton(FEE_PLANS), PRIVATE, flags=READS_ONLY)(begin)
    router.callback_query(PickCourtyard.filter(F.mode == MODE), flags=READS_ONLY)(on_courtyard)
    router.callback_query(PlanStep.filter(F.a == "new"), flags=READS_ONLY)(on_new)
    router.callback_query(PlanStep.filter())(on_step)
    return router


def build_inputs() -> Router:
    """What the clerk types at each step; after every feature's buttons and commands."""
    router = Router(name="fees-plans-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    typed = Where(F.text)
    router.message(StateFilter(PlanSetting.name), typed, flags=READS_ONLY)(on_name)
    router.message(StateFilter(PlanSetting.rate), typed, flags=READS_ONLY)(on_rate)
    router.message(StateFilter(PlanSetting.parking), typed, flags=READS_ONLY)(on_parking)
    router.message(StateFilter(PlanSetting.from_period), typed, flags=READS_ONLY)(on_from)
    router.message(StateFilter(PlanSetting))(use_buttons)
    return router
