"""Staged fee reminders driven by a set clock: the bill notice, the friendly reminder on the
15th to those still owing, the overdue notice on the 5th of the next month, the grid leader's
visit list two months on, the formal notice three months on; each once even when the sweep
runs twice; quiet hours; households nobody can reach go on the visit list instead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fee_reminders_data import (
    FINANCE_ID,
    PERIOD,
    bill_december,
    bill_month,
    grant,
    local,
    pay_in_full,
)
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID
from tickets_data import NEIGHBOUR_ID, RESIDENT_ID, TWO_HOMES_ID, TicketPeople, actor

from models import (
    Event,
    FeeReminder,
    FeeReminderPause,
    OutboxMessage,
    OutboxStatus,
    ReminderAnswer,
    ReminderOutcome,
    ReminderStage,
    User,
    VisitTask,
)
from models.db import transaction
from services.access import Role
from services.clock import FixedClock
from services.errors import NotAllowed
from services.fees import reminder_answers, reminder_settings, reminders
from services.policy import Policy

Sweep = Callable[[], Awaitable[int]]
S = ReminderStage
HOUSEHOLDS = 48
ONLINE_HOMES = ("2号楼-1单元-501", "1号楼-1单元-101", "1号楼-2单元-201", "2号楼-2单元-602")


@pytest.fixture
def sweep(sessions: async_sessionmaker[AsyncSession], clock: FixedClock, policy: Policy) -> Sweep:
    async def run() -> int:
        return await reminders.sweep(sessions, clock(), policy)

    return run


@pytest.fixture
async def billed(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: TicketPeople
) -> TicketPeople:
    """December billed for 纬三路13号院 (its residents of the ticket tests online), a clerk."""
    await grant(sessions, clock(), FINANCE_ID, Role.FINANCE, folks.courtyard_id)
    await bill_december(sessions, clock, folks.courtyard_id)
    return folks


async def reminder_rows(
    sessions: async_sessionmaker[AsyncSession], stage: ReminderStage
) -> list[FeeReminder]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(FeeReminder).where(FeeReminder.stage == stage).order_by(FeeReminder.id)
            )
        )


async def messages(
    sessions: async_sessionmaker[AsyncSession], kind: str = "fee.reminder"
) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


async def visit_list(
    sessions: async_sessionmaker[AsyncSession], since: datetime | None = None
) -> set[tuple[str, int, str]]:
    """The grid leader's fee visits (ref: the period), those added since a time if given."""
    async with sessions() as session:
        rows = await session.execute(
            select(VisitTask.ref, VisitTask.household_id, VisitTask.reason).where(
                VisitTask.kind == "fee-visit",
                VisitTask.created_at >= (since or datetime.min.replace(tzinfo=UTC)),
            )
        )
        return set(rows.tuples())


async def test_the_bill_notice_goes_out_once_to_every_member_and_waits_for_morning(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    billed: TicketPeople,
    sweep: Sweep,
) -> None:
    # the bill run is at 00:05: the notices are written then and wait until 08:00
    assert await sweep() == 4
    assert await sweep() == 0
    rows = await reminder_rows(sessions, S.NOTICE)
    assert len(rows) == HOUSEHOLDS
    reached = {r.household_id for r in rows if r.outcome is ReminderOutcome.QUEUED}
    assert reached == {billed.homes[label] for label in ONLINE_HOMES}
    sent = await messages(sessions)
    assert {m.user_id for m in sent} == {
        billed.users[RESIDENT_ID],
        billed.users[NEIGHBOUR_ID],
        billed.users[TWO_HOMES_ID],
    }
    assert {m.not_before for m in sent} == {local(2026, 12, 1, 8, 0)}
    home = billed.homes["2号楼-1单元-501"]
    mine = next(m for m in sent if m.dedupe_key.startswith(f"fee-reminder:{home}:"))
    assert mine.payload["owed_fen"] == mine.payload["bill"]["amount_fen"] > 0
    assert mine.payload["due"] == "2026-12-31"
    # the 44 households nobody can reach: on the grid leader's visit list, not skipped
    unreachable = {r.household_id for r in rows if r.outcome is ReminderOutcome.UNREACHABLE}
    assert len(unreachable) == HOUSEHOLDS - 4
    assert await visit_list(sessions) == {(PERIOD, h, "unreachable") for h in unreachable}


async def test_the_friendly_reminder_on_the_15th_only_for_households_still_owing(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    billed: TicketPeople,
    sweep: Sweep,
) -> None:
    await sweep()
    paid = billed.homes["2号楼-1单元-501"]
    clock.now = local(2026, 12, 10)
    await pay_in_full(sessions, clock, billed.courtyard_id, paid)
    clock.now = local(2026, 12, 14, 23, 0)
    assert await sweep() == 0
    clock.now = local(2026, 12, 15, 9, 0)
    assert await sweep() == 3  # 赵大爷 once, 孙先生 for each of his two homes
    assert await sweep() == 0
    friendly = await reminder_rows(sessions, S.FRIENDLY)
    assert paid not in {r.household_id for r in friendly}
    assert len(friendly) == HOUSEHOLDS - 1


async def test_overdue_then_visit_list_then_formal_notice_each_once(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    billed: TicketPeople,
    sweep: Sweep,
) -> None:
    await sweep()
    clock.now = local(2026, 12, 15)
    await sweep()
    home = billed.homes["1号楼-1单元-101"]
    clock.now = local(2027, 1, 4, 23)
    await bill_month(sessions, clock, "2027-01")
    await sweep()  # January's notice; December's overdue notice waits for the 5th
    assert await reminder_rows(sessions, S.OVERDUE) == []
    clock.now = local(2027, 1, 5, 9)
    assert await sweep() == 4
    assert await sweep() == 0
    overdue = await reminder_rows(sessions, S.OVERDUE)
    assert {r.period for r in overdue} == {PERIOD}
    mine = next(r for r in overdue if r.household_id == home)
    assert mine.months == ["2026-12"]  # what was open up to December

    # two months on: every household still owing December is on the visit list
    clock.now = local(2027, 2, 1, 9)
    before = len(await messages(sessions))
    await sweep()
    listed = await reminder_rows(sessions, S.VISIT)
    assert len(listed) == HOUSEHOLDS
    assert {r.outcome for r in listed} == {ReminderOutcome.LISTED}
    assert (PERIOD, home, "arrears") in await visit_list(sessions, since=clock())
    assert len(await messages(sessions)) == before  # no message to residents for a visit

    # three months on: the formal notice with a 7-day deadline, and finance gets the list
    clock.now = local(2027, 3, 1, 9)
    assert await sweep() == 4 + 1
    assert await sweep() == 0
    formal = await reminder_rows(sessions, S.FORMAL)
    assert len(formal) == HOUSEHOLDS
    assert {r.deadline for r in formal} == {date(2027, 3, 8)}
    notice = next(m for m in await messages(sessions) if m.payload.get("stage") == "formal")
    assert notice.payload["deadline"] == "2027-03-08"
    assert notice.payload["months"] == ["2026-12", "2027-01"]
    (finance_list,) = await messages(sessions, "fee.formal_list")
    assert len(finance_list.payload["notices"]) == HOUSEHOLDS
    assert sum(1 for n in finance_list.payload["notices"] if n["reachable"]) == 4


async def test_a_blocked_member_makes_the_household_unreachable_and_listed(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    billed: TicketPeople,
    sweep: Sweep,
) -> None:
    await sweep()
    home = billed.homes["2号楼-1单元-501"]
    async with transaction(sessions) as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.user_id == billed.users[RESIDENT_ID])
            .values(status=OutboxStatus.BLOCKED)
        )
        await session.execute(
            update(User).where(User.id == billed.users[RESIDENT_ID]).values(blocked=True)
        )
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.user_id != billed.users[RESIDENT_ID])
            .values(status=OutboxStatus.SENT)
        )
    clock.now = local(2026, 12, 2)
    await sweep()
    outcomes = {r.household_id: r.outcome for r in await reminder_rows(sessions, S.NOTICE)}
    assert outcomes[home] is ReminderOutcome.BLOCKED
    assert outcomes[billed.homes["1号楼-1单元-101"]] is ReminderOutcome.SENT
    assert await visit_list(sessions, since=clock()) == {(PERIOD, home, "unreachable")}
    # the friendly reminder finds the household unreachable now: no message, the list again
    clock.now = local(2026, 12, 15)
    await sweep()
    friendly = {r.household_id: r for r in await reminder_rows(sessions, S.FRIENDLY)}
    assert friendly[home].outcome is ReminderOutcome.UNREACHABLE


async def test_a_stage_switched_off_or_moved_follows_the_courtyards_settings(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    billed: TicketPeople,
    sweep: Sweep,
) -> None:
    await sweep()
    async with transaction(sessions) as session:
        await reminder_settings.configure(
            session, None, billed.courtyard_id, S.FRIENDLY, now=clock(), day=20
        )
        await reminder_settings.configure(
            session, None, billed.courtyard_id, S.OVERDUE, now=clock(), enabled=False
        )
    clock.now = local(2026, 12, 15)
    assert await sweep() == 0
    clock.now = local(2026, 12, 20)
    assert await sweep() == 4
    clock.now = local(2027, 1, 5)
    await sweep()
    assert await reminder_rows(sessions, S.OVERDUE) == []
    async with sessions() as session:
        changed = list(
            await session.scalars(select(Event).where(Event.action == "reminder_stage_changed"))
        )
    assert len(changed) == 2


async def test_a_late_bill_run_does_not_bring_two_reminders_at_once(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    sweep: Sweep,
) -> None:
    async with transaction(sessions) as session:
        from services.fees import plans

        await plans.create(
            session,
            None,
            folks.courtyard_id,
            name="基础服务",
            rate="0.50",
            parking_fee="0",
            from_period=PERIOD,
            now=clock(),
        )
    clock.now = local(2026, 12, 20)  # billed late: the notice now, the friendly reminder later
    await bill_month(sessions, clock, PERIOD)
    assert await sweep() == 4
    assert await reminder_rows(sessions, S.FRIENDLY) == []
    clock.now = local(2026, 12, 22, 23)
    assert await sweep() == 0
    clock.now = local(2026, 12, 23, 11)
    assert await sweep() == 4


def test_bad_settings_are_refused() -> None:
    with pytest.raises(reminder_settings.UnknownStage):
        reminder_settings.parse_stage("sometimes")


async def test_a_day_outside_every_month_is_refused(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> None:
    async with transaction(sessions) as session:
        with pytest.raises(reminder_settings.BadReminderDay):
            await reminder_settings.configure(
                session, None, yard["id"], S.FRIENDLY, now=clock(), day=31
            )


async def test_a_dispute_pauses_later_stages_and_only_finance_or_admins_resume(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    policy: Policy,
    billed: TicketPeople,
    sweep: Sweep,
) -> None:
    await sweep()
    home = billed.homes["2号楼-1单元-501"]
    notice = next(r for r in await reminder_rows(sessions, S.NOTICE) if r.household_id == home)
    resident = await actor(sessions, RESIDENT_ID)
    async with transaction(sessions) as session:
        answered = await reminder_answers.answer(
            session, resident, notice.id, ReminderAnswer.DISPUTE, clock(), policy
        )
    assert answered.paused
    assert answered.told == 2  # finance and the grid leader
    for when in (local(2026, 12, 15), local(2027, 1, 5), local(2027, 2, 1)):
        clock.now = when
        await sweep()
    stages = {r.stage for r in await reminder_rows_of(sessions, home)}
    assert stages == {S.NOTICE}  # friendly, overdue and the visit all waited
    async with sessions() as session:
        pause = await session.scalar(select(FeeReminderPause.id))
    assert pause is not None
    leader = await actor(sessions, LEADER_ID)
    async with transaction(sessions) as session:
        with pytest.raises(NotAllowed):
            await reminder_answers.lift_pause(session, leader, pause, clock())
    finance = await actor(sessions, FINANCE_ID)
    async with transaction(sessions) as session:
        await reminder_answers.lift_pause(session, finance, pause, clock())
    async with transaction(sessions) as session:
        with pytest.raises(reminder_answers.PauseAlreadyLifted):
            await reminder_answers.lift_pause(session, finance, pause, clock())
    clock.now = local(2027, 2, 2)
    await sweep()
    # December's reminders go on: the visit stage is due now (the earlier ones' months passed)
    stages = {r.stage for r in await reminder_rows_of(sessions, home)}
    assert S.VISIT in stages


async def reminder_rows_of(
    sessions: async_sessionmaker[AsyncSession], household_id: int
) -> list[FeeReminder]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(FeeReminder).where(
                    FeeReminder.household_id == household_id, FeeReminder.period == PERIOD
                )
            )
        )
