"""Deadlines that escalate, driven by a set clock: a reminder before the deadline, grid
leaders when it passes, the service center when it passes by double; each once, even when
the sweep runs twice. Urgent tickets ignore quiet hours. And the morning digest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID
from tickets_data import (
    RESIDENT_ID,
    STAFF_GROUP,
    WORKER2_ID,
    WORKER_ID,
    TicketPeople,
    actor,
)

from models import Location, OutboxMessage, Ticket, TicketCategory, Urgency
from services.clock import FixedClock
from services.policy import Policy
from services.tickets import alerts, claiming, lifecycle, reporting
from services.tickets.reporting import Draft

Sweep = Callable[[], Awaitable[int]]

pytestmark = pytest.mark.usefixtures("staff_group")


@pytest.fixture
def sweep(sessions: async_sessionmaker[AsyncSession], clock: FixedClock, policy: Policy) -> Sweep:
    async def run() -> int:
        async with sessions() as session, session.begin():
            return await alerts.sweep(session, clock(), policy)

    return run


async def file(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
    urgency: Urgency = Urgency.NORMAL,
) -> int:
    resident = await actor(sessions, RESIDENT_ID)
    async with sessions() as session, session.begin():
        filed = await reporting.file(
            session,
            resident,
            Draft(
                household_id=folks.homes["2号楼-1单元-501"],
                category=TicketCategory.ELECTRICITY,
                urgency=urgency,
                location=Location.COMMON,
                place="1号楼楼道",
                description="楼道灯不亮",
            ),
            clock(),
            policy,
        )
    return filed.id


async def do(
    sessions: async_sessionmaker[AsyncSession],
    telegram_id: int,
    call: Callable[..., Awaitable[Any]],
    *args: Any,
    clock: FixedClock,
    policy: Policy,
    **kwargs: Any,
) -> Any:
    who = await actor(sessions, telegram_id)
    async with sessions() as session, session.begin():
        return await call(session, who, *args, now=clock(), policy=policy, **kwargs)


async def alerts_sent(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "ticket.alert")
                .order_by(OutboxMessage.id)
            )
        )


def steps(rows: list[OutboxMessage]) -> list[tuple[str, int | None, int | None]]:
    return [(r.payload["step"], r.chat_id, r.user_id) for r in rows]


async def test_claim_deadline_reminds_then_escalates_each_step_once(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
    sweep: Sweep,
) -> None:
    await file(sessions, folks, clock, policy)  # 10:00; claim due 14:00
    u = folks.users
    clock.advance(hours=2, minutes=59)
    assert await sweep() == 0
    clock.advance(minutes=1)  # 13:00: an hour before the deadline
    assert await sweep() == 3
    assert await sweep() == 0
    assert steps(await alerts_sent(sessions)) == [
        ("claim-remind", STAFF_GROUP, None),
        ("claim-remind", None, u[WORKER_ID]),
        ("claim-remind", None, u[WORKER2_ID]),
    ]
    clock.advance(hours=1)  # 14:00: the deadline passes
    assert await sweep() == 1
    assert await sweep() == 0
    clock.advance(hours=3, minutes=59)
    assert await sweep() == 0
    clock.advance(minutes=1)  # 18:00: passed by as much again
    assert await sweep() == 1
    assert await sweep() == 0
    assert steps(await alerts_sent(sessions))[3:] == [
        ("claim-leaders", None, u[LEADER_ID]),
        ("claim-admins", None, u[ADMIN_ID]),
    ]
    clock.advance(days=5)
    assert await sweep() == 0


async def test_a_late_sweep_skips_a_pointless_reminder_but_escalates(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
    sweep: Sweep,
) -> None:
    await file(sessions, folks, clock, policy, Urgency.URGENT)  # claim due 10:30
    clock.advance(hours=2)  # the scheduler was down; both escalations are due
    assert await sweep() == 2
    assert [s for s, _c, _u in steps(await alerts_sent(sessions))] == [
        "claim-leaders",
        "claim-admins",
    ]


async def test_a_claimed_ticket_stops_the_claim_alerts_and_starts_the_resolve_ones(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
    sweep: Sweep,
) -> None:
    tid = await file(sessions, folks, clock, policy)
    clock.advance(hours=1)
    await do(sessions, WORKER_ID, claiming.claim, tid, clock=clock, policy=policy)
    clock.advance(hours=5)  # past the claim deadline, but it was claimed
    assert await sweep() == 0
    due = clock() - timedelta(hours=6) + timedelta(hours=72)
    clock.now = due - timedelta(hours=2)
    assert await sweep() == 1
    clock.now = due
    assert await sweep() == 1
    clock.now = due + timedelta(hours=72)
    assert await sweep() == 1
    assert await sweep() == 0
    assert steps(await alerts_sent(sessions)) == [
        ("resolve-remind", None, folks.users[WORKER_ID]),
        ("resolve-leaders", None, folks.users[LEADER_ID]),
        ("resolve-admins", None, folks.users[ADMIN_ID]),
    ]


async def test_a_reopened_ticket_escalates_again_in_a_new_round(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
    sweep: Sweep,
) -> None:
    tid = await file(sessions, folks, clock, policy)
    await do(sessions, WORKER_ID, claiming.claim, tid, clock=clock, policy=policy)
    clock.advance(hours=73)
    assert await sweep() == 1  # resolve-leaders (the reminder came too late to matter)
    await do(
        sessions,
        WORKER_ID,
        lifecycle.resolve,
        tid,
        note="修好了",
        photo_file_id=None,
        clock=clock,
        policy=policy,
    )
    await do(sessions, RESIDENT_ID, lifecycle.reopen, tid, clock=clock, policy=policy)
    clock.advance(hours=72)
    assert await sweep() == 1
    assert await sweep() == 0
    keys = [r.dedupe_key for r in await alerts_sent(sessions)]
    assert keys[0].startswith(f"ticket-alert:{tid}:r0:resolve-leaders")
    assert keys[1].startswith(f"ticket-alert:{tid}:r1:resolve-leaders")


async def test_a_hold_past_its_day_reminds_the_worker_then_the_leaders(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
    sweep: Sweep,
) -> None:
    tid = await file(sessions, folks, clock, policy)
    await do(sessions, WORKER_ID, claiming.claim, tid, clock=clock, policy=policy)
    today = policy.local(clock()).date()
    await do(
        sessions,
        WORKER_ID,
        lifecycle.hold,
        tid,
        reason="等电工",
        until=today,
        clock=clock,
        policy=policy,
    )
    midnight = policy.local(clock()).replace(hour=0, minute=0) + timedelta(days=1)
    clock.now = midnight.astimezone(clock.now.tzinfo) - timedelta(minutes=1)
    assert await sweep() == 0
    clock.advance(minutes=1)
    assert await sweep() == 1
    clock.advance(days=1)
    assert await sweep() == 1
    assert await sweep() == 0
    assert [s for s, _c, _u in steps(await alerts_sent(sessions))] == ["hold-due", "hold-leaders"]


async def test_urgent_alerts_ignore_quiet_hours(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
    sweep: Sweep,
) -> None:
    clock.advance(hours=12)  # 22:00 in Zhengzhou
    await file(sessions, folks, clock, policy, Urgency.URGENT)
    clock.advance(minutes=30)
    assert await sweep() == 1
    [escalation] = await alerts_sent(sessions)
    assert escalation.payload["step"] == "claim-leaders"
    assert escalation.not_before == clock()


async def test_normal_alerts_wait_for_the_morning(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
    sweep: Sweep,
) -> None:
    clock.advance(hours=9)  # filed at 19:00; claim due 23:00
    await file(sessions, folks, clock, policy)
    clock.advance(hours=4)
    assert await sweep() == 1  # the 22:00 reminder is pointless now; the leaders hear of it
    [escalation] = await alerts_sent(sessions)
    assert escalation.payload["step"] == "claim-leaders"
    local = policy.local(escalation.not_before)
    assert (local.day, local.hour, local.minute) == (29, 8, 0)


async def test_the_morning_digest_goes_to_the_staff_group_once_a_day(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    await file(sessions, folks, clock, policy)
    await file(sessions, folks, clock, policy, Urgency.URGENT)
    clock.advance(hours=22)  # 08:00 next day
    for _ in range(2):
        async with sessions() as session, session.begin():
            written = await alerts.digest(session, clock(), policy)
    assert written == 0
    async with sessions() as session:
        [digest] = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "ticket.digest")
            )
        ).all()
    assert digest.chat_id == STAFF_GROUP
    assert digest.payload["total"] == 2
    assert digest.payload["urgent"] == 1
    assert digest.payload["overdue"] == ["WSL-0001", "WSL-0002"]


async def test_a_ticket_changed_behind_the_sweeps_back_costs_only_itself(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    """Someone claims (or fixes) one ticket while the sweep runs: the other tickets' alerts
    still go out and are remembered; the changed one is looked at again next time."""
    first = await file(sessions, folks, clock, policy)
    second = await file(sessions, folks, clock, policy)
    clock.advance(hours=4)  # both past their time to be taken
    async with sessions() as session, session.begin():
        # the sweep's session holds both tickets as read; then a concurrent change of the
        # first lands (its version moves on) before the sweep writes
        held = {t.id: t for t in await session.scalars(select(Ticket))}
        assert set(held) == {first, second}
        await session.execute(
            update(Ticket.__table__)  # type: ignore[arg-type]
            .where(Ticket.__table__.c.id == first)
            .values(version=Ticket.__table__.c.version + 1)
        )
        written = await alerts.sweep(session, clock(), policy)
    assert written > 0
    sent = await alerts_sent(sessions)
    assert {r.payload["ticket"]["id"] for r in sent} == {second}
    async with sessions() as session:
        rows = {t.id: t for t in await session.scalars(select(Ticket))}
    assert rows[first].next_alert_at is not None
    assert rows[first].next_alert_at <= clock()
    assert rows[second].next_alert_at is None or rows[second].next_alert_at > clock()
