"""「要不要带报名？」 while composing a notice: the day, the place and the times (read as the
sign-ups feature reads them), then the preview. Nothing is written until the preview."""

from __future__ import annotations

from datetime import date, datetime

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from handlers.notices.preview import draft_of, preview
from handlers.notices.steps import Composing, ask, expect
from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.notices import compose, signup
from services.policy import Policy
from services.signups import gatherings, schedule
from views.notices import compose as view


async def ask_or_preview(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    now: datetime,
    policy: Policy,
) -> None:
    """After the last question: ask about a sign-up when the notice may carry one."""
    draft = draft_of(await state.get_data())
    await compose.check(session, actor, draft, now)  # a bad answer is told before the question
    if signup.may_carry(actor, draft.courtyard_ids):
        await ask(message, state, Composing.signup, view.ask_signup(), edit=False)
        return
    await preview(message, session, actor, state, now, policy)


async def on_answer(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    answer: str,
    now: datetime,
    policy: Policy,
) -> None:
    await expect(state, Composing.signup)
    if answer == "event":
        await ask(message, state, Composing.event_day, view.ask_event_day(), edit=True)
        return
    await state.update_data(event=None)
    await message.edit_reply_markup(reply_markup=None)
    await preview(message, session, actor, state, now, policy)


async def on_day(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    day = schedule.parse_day(message.text or "", policy.local(clock()).date())
    await state.update_data(event_day=day.isoformat())
    await ask(message, state, Composing.event_place, view.ask_event_place(), edit=False)


async def on_place(message: Message, state: FSMContext) -> None:
    place = gatherings.clean_line(message.text or "", gatherings.PLACE_LIMIT)
    await state.update_data(event_place=place)
    await ask(message, state, Composing.event_slots, view.ask_event_slots(), edit=False)


async def on_slots(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await state.get_data()
    now = clock()
    try:
        day = date.fromisoformat(data["event_day"])
        place = str(data["event_place"])
    except (KeyError, ValueError, TypeError):
        raise Stale() from None
    plan = signup.plan(day, place, message.text or "", now, policy.timezone)
    await state.update_data(
        event={"day": plan.day.isoformat(), "place": plan.place, "slots": plan.slots}
    )
    await preview(message, session, actor, state, now, policy)


def build_inputs() -> Router:
    """What the composer types in the sign-up steps; before the composer's other inputs."""
    router = Router(name="notices-signup-inputs")
    router.message.filter(PRIVATE, Where(F.text), Where(~F.text.startswith("/")))
    router.message(StateFilter(Composing.event_day), flags=READS_ONLY)(on_day)
    router.message(StateFilter(Composing.event_place), flags=READS_ONLY)(on_place)
    router.message(StateFilter(Composing.event_slots))(on_slots)
    return router
