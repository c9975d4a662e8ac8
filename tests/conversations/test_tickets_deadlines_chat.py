"""Deadlines as the team sees them, driven by a set clock and the scheduler's jobs (each run
twice, as a restart or a second scheduler would): reminders, escalation to the grid leader and
the service center, a fix nobody confirms closing by itself, and the morning digest."""

from __future__ import annotations

from typing import Any

import pytest
from harness import Person, World
from tickets_data import (
    RESIDENT_ID,
    STAFF_GROUP,
    WORKER_ID,
    actor,
)

from models import Location, TicketCategory, Urgency
from scheduler.jobs import JobContext
from scheduler.tickets import ticket_alerts, ticket_auto_close, ticket_digest
from services.clock import FixedClock
from services.policy import Policy
from services.tickets import claiming, lifecycle, reporting
from services.tickets.reporting import Draft

pytestmark = pytest.mark.english


@pytest.fixture
def context(world: World, policy: Policy) -> JobContext:
    return JobContext(
        sessions=world.sessions, clock=world.clock, policy=policy, after_commit=world.sender.notify
    )


async def file(world: World, folks: Any, urgency: Urgency = Urgency.NORMAL) -> int:
    resident = await actor(world.sessions, RESIDENT_ID)
    async with world.sessions() as session, session.begin():
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
            world.clock(),
            world.policy,
        )
    await world.deliver()
    return filed.id


async def twice(world: World, job: Any, context: JobContext) -> int:
    """Run a job twice, then deliver: the second run must write nothing."""
    written = await job(context)
    assert await job(context) == 0
    await world.deliver()
    return int(written)


def count(person: Person, text: str, chat: Any = None) -> int:
    return sum(text in t for t in person.texts(chat))


async def test_an_unclaimed_ticket_reminds_then_escalates(
    world: World, people: dict[str, Any], context: JobContext, clock: FixedClock
) -> None:
    group = world.group(STAFF_GROUP, "维修群")
    leader, admin, liu = people["leader"], people["admin"], people["liu"]
    await file(world, people["folks"])  # 10:00, to be taken by 14:00
    clock.advance(hours=3)  # 13:00
    assert await twice(world, ticket_alerts, context) == 3
    assert count(liu, "WSL-0001 is not taken yet. Please claim it by 11-28 14:00", group) == 1
    assert count(liu, "WSL-0001 is not taken yet") == 1  # in private too
    assert liu.buttons(group)[0] == "🙋 Claim"

    clock.advance(hours=1)
    assert await twice(world, ticket_alerts, context) == 1
    assert count(leader, "Overdue: nobody took WSL-0001 by 11-28 14:00") == 1
    assert "👤 Assign to a worker" in leader.buttons()

    clock.advance(hours=4)
    assert await twice(world, ticket_alerts, context) == 1
    assert count(admin, "Long overdue: WSL-0001 is still not taken") == 1
    clock.advance(hours=1)
    assert await twice(world, ticket_alerts, context) == 0

    await leader.taps("👤 Assign to a worker")
    assert "Give WSL-0001 to which worker?" in leader.last_message()
    await leader.taps("刘师傅")
    assert "WSL-0001 is now with 刘师傅" in leader.last_message()
    assert "李网格长 gave you ticket WSL-0001" in liu.last_message()
    assert count(liu, "Taken by 刘师傅", group) == 1  # the card, edited


async def test_an_unfixed_ticket_reminds_the_worker_then_the_leader(
    world: World, people: dict[str, Any], context: JobContext, clock: FixedClock
) -> None:
    zhang, leader = people["zhang"], people["leader"]
    tid = await file(world, people["folks"], Urgency.URGENT)  # fix within 24 h
    worker = await actor(world.sessions, WORKER_ID)
    async with world.sessions() as session, session.begin():
        await claiming.claim(session, worker, tid, clock(), world.policy)
    await world.deliver()
    clock.advance(hours=22)
    assert await twice(world, ticket_alerts, context) == 1
    assert count(zhang, "WSL-0001 should be fixed by 11-29 10:00") == 1
    assert zhang.buttons()[:3] == ["▶ Start work", "⏸ On hold", "✅ Fixed it"]
    clock.advance(hours=2)
    assert await twice(world, ticket_alerts, context) == 1
    assert count(leader, "Overdue: WSL-0001 (张师傅) was not fixed by 11-29 10:00") == 1


async def test_a_fix_nobody_confirms_closes_after_three_days(
    world: World, people: dict[str, Any], context: JobContext, clock: FixedClock
) -> None:
    resident, zhang = people["resident"], people["zhang"]
    tid = await file(world, people["folks"])
    worker = await actor(world.sessions, WORKER_ID)
    async with world.sessions() as session, session.begin():
        await claiming.claim(session, worker, tid, clock(), world.policy)
        await lifecycle.resolve(
            session,
            worker,
            tid,
            note="换了灯泡",
            photo_file_id=None,
            now=clock(),
            policy=world.policy,
        )
    await world.deliver()
    assert "says WSL-0001 is fixed" in resident.last_message()
    clock.advance(days=2, hours=23)
    assert await twice(world, ticket_auto_close, context) == 0
    clock.advance(hours=1)
    assert await twice(world, ticket_auto_close, context) == 1
    assert count(resident, "WSL-0001 was closed, as we had no answer for 3 days") == 1
    assert resident.buttons() == ["⭐ Rate", "👎 Not fixed after all"]
    await resident.taps("👎 Not fixed after all")
    assert "Are you sure?" in resident.last_message()
    await resident.taps("👎 Yes, reopen it")
    assert "What is still wrong with WSL-0001?" in resident.last_message()
    await resident.sends("还是漏水")
    assert "WSL-0001 is reopened and 张师傅 has been told" in resident.last_message()
    assert "WSL-0001 was reopened: the resident says it is not fixed" in zhang.last_message()


async def test_the_morning_digest_comes_once(
    world: World, people: dict[str, Any], context: JobContext, clock: FixedClock
) -> None:
    group = world.group(STAFF_GROUP, "维修群")
    await file(world, people["folks"])
    await file(world, people["folks"], Urgency.URGENT)
    clock.advance(hours=22)  # 08:00 the next morning
    assert await twice(world, ticket_digest, context) == 1
    digest = people["zhang"].last_message(group)
    assert "Good morning. Open repair tickets in 纬三路13号院: 2 (urgent: 1)" in digest
    assert "Overdue (2): WSL-0001, WSL-0002" in digest
