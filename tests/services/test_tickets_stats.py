"""/stats on a known data set: counts, medians, share resolved within the deadline and the
average rating, by category, for tickets filed in the last 30 days."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID
from tickets_data import (
    RESIDENT_ID,
    SUPERVISOR_ID,
    WORKER_ID,
    TicketPeople,
    actor,
)

from models import Location, TicketCategory, Urgency
from services.clock import FixedClock
from services.policy import Policy
from services.tickets import claiming, lifecycle, queries, reporting, stats
from services.tickets.reporting import Draft

WATER, LIFT, OTHER = TicketCategory.WATER, TicketCategory.ELEVATOR, TicketCategory.OTHER


async def life(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    policy: Policy,
    at: datetime,
    category: TicketCategory,
    *,
    urgency: Urgency = Urgency.NORMAL,
    claim_after: timedelta | None = None,
    resolve_after: timedelta | None = None,
    rating: int | None = None,
    cancel: bool = False,
) -> None:
    """One ticket filed at `at`, claimed and resolved that long after filing, then rated."""
    resident, worker = await actor(sessions, RESIDENT_ID), await actor(sessions, WORKER_ID)
    async with sessions() as session, session.begin():
        filed = await reporting.file(
            session,
            resident,
            Draft(
                household_id=folks.homes["2号楼-1单元-501"],
                category=category,
                urgency=urgency,
                location=Location.HOME,
                description="灯坏了",
            ),
            at,
            policy,
        )
        if cancel:
            await lifecycle.cancel(session, resident, filed.id, at, policy)
        if claim_after is not None:
            await claiming.claim(session, worker, filed.id, at + claim_after, policy)
        if resolve_after is not None:
            await lifecycle.resolve(
                session,
                worker,
                filed.id,
                note="好了",
                photo_file_id=None,
                now=at + resolve_after,
                policy=policy,
            )
        if rating is not None:
            done = at + (resolve_after or timedelta())
            await lifecycle.confirm(session, resident, filed.id, done, policy)
            await lifecycle.rate(session, resident, filed.id, rating, done, policy)


async def test_stats_on_a_known_data_set(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    start = clock()
    h, m = timedelta(hours=1), timedelta(minutes=1)
    # 40 days ago: outside the window
    await life(sessions, folks, policy, start, WATER, claim_after=m, resolve_after=h, rating=1)
    recent = start + timedelta(days=40)
    await life(
        sessions, folks, policy, recent, WATER, claim_after=10 * m, resolve_after=2 * h, rating=5
    )
    await life(
        sessions,
        folks,
        policy,
        recent + h,
        WATER,
        claim_after=30 * m,
        resolve_after=80 * h,
        rating=3,
    )  # late: 72 h for a normal ticket
    await life(
        sessions,
        folks,
        policy,
        recent + 2 * h,
        LIFT,
        urgency=Urgency.URGENT,
        claim_after=20 * m,
        resolve_after=5 * h,
    )
    await life(sessions, folks, policy, recent + 3 * h, LIFT)
    await life(sessions, folks, policy, recent + 4 * h, OTHER, cancel=True)

    leader = await actor(sessions, LEADER_ID)
    async with sessions() as session:
        found = await stats.summary(session, leader, folks.courtyard_id, recent + 100 * h)
    total = found.total
    assert (total.filed, total.open, total.resolved, total.cancelled) == (5, 1, 3, 1)
    assert total.median_claim_seconds == 20 * 60
    assert total.median_resolve_seconds == 5 * 3600
    assert total.in_time_share == pytest.approx(2 / 3)
    assert total.average_rating == 4.0
    by = {f.category: f for f in found.by_category}
    assert [f.category for f in found.by_category] == ["elevator", "water", "other"]
    assert (by["water"].filed, by["water"].open, by["water"].resolved) == (2, 0, 2)
    assert by["water"].median_claim_seconds == 20 * 60
    assert by["water"].median_resolve_seconds == 41 * 3600
    assert by["water"].in_time_share == 0.5
    assert by["water"].average_rating == 4.0
    assert (by["elevator"].filed, by["elevator"].open, by["elevator"].resolved) == (2, 1, 1)
    assert by["elevator"].median_claim_seconds == 20 * 60
    assert by["elevator"].in_time_share == 1.0
    assert by["elevator"].average_rating is None
    assert (by["other"].cancelled, by["other"].median_claim_seconds) == (1, None)
    assert by["other"].in_time_share is None

    supervisor = await actor(sessions, SUPERVISOR_ID)
    async with sessions() as session:
        everywhere = await stats.summary(session, supervisor, None, recent + 100 * h)
    assert everywhere.courtyard is None
    assert everywhere.total.filed == 5


async def test_the_leaders_list_puts_overdue_first(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    start = clock()
    await life(sessions, folks, policy, start, WATER)  # claim due +4h
    await life(
        sessions, folks, policy, start + timedelta(hours=1), LIFT, urgency=Urgency.URGENT
    )  # claim due +1.5h
    await life(
        sessions, folks, policy, start + timedelta(hours=2), WATER, claim_after=timedelta(minutes=5)
    )  # resolve due +74h
    leader = await actor(sessions, LEADER_ID)
    async with sessions() as session:
        board = await queries.open_tickets(
            session, leader, folks.courtyard_id, start + timedelta(hours=3)
        )
    assert board.counts == {"new": 2, "claimed": 1}
    assert board.total == 3
    assert board.overdue == 1
    assert [(t.number, t.overdue) for t in board.lines] == [
        ("WSL-0002", True),
        ("WSL-0001", False),
        ("WSL-0003", False),
    ]
    assert board.lines[2].assignee == "张师傅"
