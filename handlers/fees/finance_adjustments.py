"""🏷 Fee adjustments (/adjust): the household picker → 空置房 / 低保 / other → the share of the
fee paid (a waiver pays 0 %) → the reason (required) → from which month → check → saved by
services.fees.adjustments.add (with its event). A bad answer: the rule's words, the same step."""

from __future__ import annotations

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
from handlers.fees.rates import this_period
from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from models import AdjustmentKind
from services import membership
from services.access import Actor, require
from services.clock import Clock
from services.errors import N_, DomainError, InvalidInput, Stale
from services.fees import adjustments, periods
from services.policy import Policy
from views.callbacks import PickCourtyard
from views.fees import finance_adjustments as view
from views.fees.finance_callbacks import AdjustStep
from views.fees.menu import ADJUSTMENTS
from views.menu import MenuButton

MODE = "fna"


class Adjusting(StatesGroup):
    kind = State()
    percent = State()
    reason = State()
    from_period = State()
    confirm = State()


async def on_picked(picked: picker.Picked, household_id: int) -> None:
    home = await membership.household(picked.session, household_id)
    await picked.state.set_data({"h": home.id, "c": home.courtyard_id, "label": home.label()})
    await picked.state.set_state(Adjusting.kind)
    earlier = await adjustments.of_household(picked.session, picked.actor, home.id)
    await picked.screen.show(*view.ask_kind(home.label(), earlier))


ADJUST_FOR = picker.Purpose(
    code="fa",
    allowed=picker.requiring(adjustments.ADJUSTERS),
    on_picked=on_picked,
    question=__("🏷 A fee adjustment. Which building?"),
)


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    require(actor, adjustments.ADJUSTERS)
    await state.clear()
    courtyard_id = await one_courtyard(
        message, session, actor, adjustments.ADJUSTERS, MODE, _("🏷 In which courtyard?")
    )
    if courtyard_id is not None:
        await picker.start(message, state, session, actor, ADJUST_FOR, courtyard_id)


async def on_courtyard(
    query: CallbackQuery,
    callback_data: PickCourtyard,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await picker.start(
        message_of(query), state, session, actor, ADJUST_FOR, callback_data.c, edit=True
    )
    await query.answer()


def _months(clock: Clock, policy: Policy) -> tuple[str, str]:
    now = this_period(clock, policy)
    return now, periods.shift(now, 1)


def _kind(data: dict[str, object]) -> AdjustmentKind:
    try:
        return AdjustmentKind(str(data["kind"]))
    except (KeyError, ValueError):
        raise Stale() from None


async def _confirm(message: Message, state: FSMContext, start: str, *, edit: bool) -> None:
    data = await state.update_data(start=start)
    question = view.confirmation(
        str(data["label"]), _kind(data), int(data["percent"]), str(data["reason"]), start
    )
    await ask(message, state, Adjusting.confirm, question, edit=edit)


async def on_step(
    query: CallbackQuery,
    callback_data: AdjustStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    action = callback_data.a
    if action == "kind":
        await expect(state, Adjusting.kind)
        try:
            kind = AdjustmentKind(callback_data.v)
        except ValueError:
            raise Stale() from None
        await state.update_data(kind=kind.value)
        if kind is AdjustmentKind.HARDSHIP:  # waived: pays nothing
            await state.update_data(percent=0)
            await ask(message, state, Adjusting.reason, view.ask_reason(), edit=True)
        else:
            await ask(message, state, Adjusting.percent, view.ask_percent(kind), edit=True)
    elif action == "use":
        await expect(state, Adjusting.from_period)
        await _confirm(message, state, periods.parse(callback_data.v), edit=True)
    elif action == "ok":
        await save(message, session, actor, state, clock)
    elif action == "cancel":
        await state.clear()
        await message.edit_text(cancelled())
    else:
        raise Stale()
    await query.answer()


async def on_percent(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    try:
        percent = adjustments.parse_percent(message.text or "")
    except DomainError as error:
        await ask_again(message, state, error, view.ask_percent(_kind(data)))
        return
    await state.update_data(percent=percent)
    await ask(message, state, Adjusting.reason, view.ask_reason())


async def on_reason(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    try:
        reason = adjustments.clean_reason(message.text)
    except DomainError as error:
        await ask_again(message, state, error, view.ask_reason())
        return
    await state.update_data(reason=reason)
    await ask(message, state, Adjusting.from_period, view.ask_from(*_months(clock, policy)))


async def on_from(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    try:
        start = periods.parse(message.text or "")
    except DomainError as error:
        await ask_again(message, state, error, view.ask_from(*_months(clock, policy)))
        return
    await _confirm(message, state, start, edit=False)


async def save(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, clock: Clock
) -> None:
    data = await expect(state, Adjusting.confirm)
    info = await adjustments.add(
        session,
        actor,
        int(data["c"]),
        int(data["h"]),
        kind=_kind(data),
        percent=int(data["percent"]),
        reason=str(data["reason"]),
        from_period=str(data["start"]),
        now=clock(),
    )
    await state.clear()
    await message.edit_text(view.saved(info, str(data["label"])))


async def use_buttons(message: Message) -> None:
    raise InvalidInput(N_("Please use the buttons above, or tap ✖ Cancel."))


def build() -> Router:
    router = Router(name="fees-adjustments")
    leaving(router, Adjusting)
    router.include_router(picker.router(ADJUST_FOR))
    router.message(Command("adjust"), PRIVATE, flags=READS_ONLY)(begin)
    router.message(MenuButton(ADJUSTMENTS), PRIVATE, flags=READS_ONLY)(begin)
    router.callback_query(PickCourtyard.filter(F.mode == MODE), flags=READS_ONLY)(on_courtyard)
    router.callback_query(AdjustStep.filter())(on_step)
    return router


def build_inputs() -> Router:
    router = Router(name="fees-adjustments-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    typed = Where(F.text)
    router.message(StateFilter(Adjusting.percent), typed, flags=READS_ONLY)(on_percent)
    router.message(StateFilter(Adjusting.reason), typed, flags=READS_ONLY)(on_reason)
    router.message(StateFilter(Adjusting.from_period), typed, flags=READS_ONLY)(on_from)
    router.message(StateFilter(Adjusting), flags=READS_ONLY)(use_buttons)
    return router
