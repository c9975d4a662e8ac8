"""A resident answers a reminder: forgot, hardship, disputes the service, moved out, other,
and may add a few words. The answer is kept on the reminder and recorded as an event.

Who hears of it: hardship reaches finance privately; a dispute pauses the household's reminders
for the period (and the later stages) and reaches finance and the grid leaders, and finance may
lift the pause; a move reaches finance and the grid leaders (who keeps the register); other
answers reach finance; "forgot" reaches nobody (the reminder did its job)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Courtyard,
    FeeReminder,
    FeeReminderPause,
    Household,
    ReminderAnswer,
)
from services import audiences, events
from services.access import Actor, Role, require
from services.errors import N_, DomainError, NotFound, Stale
from services.fees.reminder_messages import FeeReminderAnswered
from services.outbox import Recipient, enqueue_many
from services.policy import Policy

A = ReminderAnswer
MAX_NOTE = 500
LIFTERS = (Role.FINANCE, Role.ADMIN)
TO_LEADERS = (A.DISPUTE, A.MOVED)


class NoteTooLong(DomainError):
    message = N_("Please keep it to %(most)s characters.")


class NotYourReminder(DomainError):
    message = N_("This reminder is for another household.")


class PauseAlreadyLifted(DomainError):
    message = N_("The reminders of %(household)s for %(period)s are already going again.")


@dataclass(frozen=True)
class Answered:
    reminder_id: int
    household: str
    period: str
    answer: ReminderAnswer
    paused: bool
    told: int  # outbox rows written


@dataclass(frozen=True)
class Lifted:
    household: str
    period: str


async def _reminder(session: AsyncSession, actor: Actor, reminder_id: int) -> FeeReminder:
    """The reminder, if the actor is an approved member of its household."""
    reminder = await session.get(FeeReminder, reminder_id)
    if reminder is None:
        raise NotFound()
    if reminder.household_id not in actor.households:
        raise NotYourReminder()
    return reminder


async def _tell(
    session: AsyncSession,
    reminder: FeeReminder,
    actor: Actor,
    pause_id: int | None,
    now: datetime,
    policy: Policy,
    step: str,
) -> int:
    answer = reminder.answer
    if answer is None or answer is A.FORGOT:
        return 0
    finance = await audiences.staff(session, Role.FINANCE, reminder.courtyard_id)
    finance = finance or await audiences.admins(session, reminder.courtyard_id)
    leaders: list[Recipient] = []
    if answer in TO_LEADERS:
        leaders = await audiences.grid_leaders(session, reminder.courtyard_id)
    courtyard = await session.get(Courtyard, reminder.courtyard_id)
    household = await session.get(Household, reminder.household_id)
    assert courtyard is not None
    assert household is not None
    clerks = set(finance)

    def message(recipient: Recipient) -> FeeReminderAnswered:
        return FeeReminderAnswered(
            reminder_id=reminder.id,
            courtyard=courtyard.name,
            household=household.label(),
            period=reminder.period,
            stage=reminder.stage,
            owed_fen=reminder.owed_fen,
            answer=answer,
            note=reminder.answer_text,
            by=actor.name,
            pause_id=pause_id,
            for_finance=recipient in clerks,
        )

    return await enqueue_many(
        session,
        message,
        [*finance, *leaders],
        dedupe_key=lambda r: f"fee-answer:{reminder.id}:{step}:{r.key}",
        now=now,
        quiet=policy.quiet_for(FeeReminderAnswered.kind),
    )


async def _pause(session: AsyncSession, reminder: FeeReminder, actor: Actor, now: datetime) -> int:
    pause = await session.scalar(
        select(FeeReminderPause).where(
            FeeReminderPause.household_id == reminder.household_id,
            FeeReminderPause.period == reminder.period,
        )
    )
    if pause is None:
        pause = FeeReminderPause(
            courtyard_id=reminder.courtyard_id,
            household_id=reminder.household_id,
            period=reminder.period,
        )
        session.add(pause)
    pause.reminder_id = reminder.id
    pause.paused_by = actor.user_id
    pause.paused_at = now
    pause.lifted_by = None
    pause.lifted_at = None
    await session.flush()
    return pause.id


async def answer(
    session: AsyncSession,
    actor: Actor,
    reminder_id: int,
    chosen: ReminderAnswer,
    now: datetime,
    policy: Policy,
) -> Answered:
    """Keep the answer; tell whoever it concerns. The same answer again changes nothing."""
    reminder = await _reminder(session, actor, reminder_id)
    household = await session.get(Household, reminder.household_id)
    assert household is not None
    if reminder.answer is chosen:
        paused = chosen is A.DISPUTE
        return Answered(reminder.id, household.label(), reminder.period, chosen, paused, 0)
    before = reminder.answer
    reminder.answer = chosen
    reminder.answer_text = None
    reminder.answered_by = actor.user_id
    reminder.answered_at = now
    pause_id = await _pause(session, reminder, actor, now) if chosen is A.DISPUTE else None
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="fee_reminder",
        subject_id=reminder.id,
        action="reminder_answered",
        courtyard_id=reminder.courtyard_id,
        from_state=before.value if before else None,
        to_state=chosen.value,
        data={
            "household_id": reminder.household_id,
            "period": reminder.period,
            "stage": reminder.stage.value,
            "paused": pause_id is not None,
        },
    )
    told = await _tell(session, reminder, actor, pause_id, now, policy, chosen.value)
    return Answered(
        reminder.id, household.label(), reminder.period, chosen, pause_id is not None, told
    )


async def add_note(
    session: AsyncSession,
    actor: Actor,
    reminder_id: int,
    text: str,
    now: datetime,
    policy: Policy,
) -> Answered:
    """The resident's own words after an answer; they go where the answer went."""
    note = text.strip()
    if not note or len(note) > MAX_NOTE:
        raise NoteTooLong(most=MAX_NOTE)
    reminder = await _reminder(session, actor, reminder_id)
    household = await session.get(Household, reminder.household_id)
    assert household is not None
    if reminder.answer is None:
        raise Stale()
    reminder.answer_text = note
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="fee_reminder",
        subject_id=reminder.id,
        action="reminder_note",
        courtyard_id=reminder.courtyard_id,
        data={"answer": reminder.answer.value, "note": note},
    )
    pause = await session.scalar(
        select(FeeReminderPause.id).where(
            FeeReminderPause.household_id == reminder.household_id,
            FeeReminderPause.period == reminder.period,
            FeeReminderPause.lifted_at.is_(None),
        )
    )
    step = f"note{int(now.timestamp())}"
    told = await _tell(session, reminder, actor, pause, now, policy, step)
    paused = pause is not None
    return Answered(reminder.id, household.label(), reminder.period, reminder.answer, paused, told)


async def lift_pause(session: AsyncSession, actor: Actor, pause_id: int, now: datetime) -> Lifted:
    """Finance (or the service center) lets the household's reminders go on again."""
    pause = await session.get(FeeReminderPause, pause_id)
    if pause is None:
        raise NotFound()
    require(actor, LIFTERS, pause.courtyard_id)
    household = await session.get(Household, pause.household_id)
    assert household is not None
    if pause.lifted_at is not None:
        raise PauseAlreadyLifted(household=household.label(), period=pause.period)
    pause.lifted_at = now
    pause.lifted_by = actor.user_id
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="fee_reminder_pause",
        subject_id=pause.id,
        action="reminder_pause_lifted",
        courtyard_id=pause.courtyard_id,
        from_state="paused",
        to_state="lifted",
        data={"household_id": pause.household_id, "period": pause.period},
    )
    return Lifted(household.label(), pause.period)
