"""Who may do what with a ticket, for every action and role. Each attempt runs in its own
transaction and is rolled back, so one person's success does not hide another's answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, seed_courtyard
from tickets_data import (
    NEIGHBOUR_ID,
    RESIDENT_ID,
    SERVICE_ID,
    STRANGER_ID,
    SUPERVISOR_ID,
    TWO_HOMES_ID,
    WORKER2_ID,
    WORKER_ID,
    TicketPeople,
    actor,
    seed_ticket_people,
)

from models import Location, TicketCategory, Urgency
from services import courtyards, roles
from services.access import Role
from services.clock import FixedClock
from services.errors import NotAllowed, NotFound
from services.policy import Policy
from services.tickets import claiming, deadlines, lifecycle, queries, reporting, stats
from services.tickets.errors import NotAssignee, NotReporter, NotYourHousehold
from services.tickets.reporting import Draft

OTHER_LEADER_ID = 5104  # leads 都市A座 only
EVERYONE = (
    RESIDENT_ID,
    NEIGHBOUR_ID,
    TWO_HOMES_ID,
    STRANGER_ID,
    WORKER_ID,
    WORKER2_ID,
    SERVICE_ID,
    LEADER_ID,
    OTHER_LEADER_ID,
    SUPERVISOR_ID,
    ADMIN_ID,
)
Call = Callable[[AsyncSession, Any], Awaitable[Any]]


@pytest.fixture
async def scene(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, policy: Policy
) -> dict[str, Any]:
    """A new, a claimed and a resolved ticket of 王阿姨's household."""
    yard = await seed_courtyard(sessions, clock())
    folks = await seed_ticket_people(sessions, clock(), yard["id"])
    async with sessions() as session, session.begin():
        other = await courtyards.create_courtyard(session, "都市A座", clock(), code="DSA")
        leader = await roles.user_by_telegram_id(session, OTHER_LEADER_ID, clock(), create=True)
        await roles.grant(session, leader, Role.GRID_LEADER, other.id, clock())
    resident, worker = await actor(sessions, RESIDENT_ID), await actor(sessions, WORKER_ID)
    ids = []
    for _ in range(3):
        async with sessions() as session, session.begin():
            filed = await reporting.file(session, resident, draft(folks), clock(), policy)
            ids.append(filed.id)
    async with sessions() as session, session.begin():
        await claiming.claim(session, worker, ids[1], clock(), policy)
        await claiming.claim(session, worker, ids[2], clock(), policy)
        await lifecycle.resolve(
            session, worker, ids[2], note="修好了", photo_file_id=None, now=clock(), policy=policy
        )
    return {"folks": folks, "new": ids[0], "claimed": ids[1], "resolved": ids[2]}


def draft(folks: TicketPeople, label: str = "2号楼-1单元-501") -> Draft:
    return Draft(
        household_id=folks.homes[label],
        category=TicketCategory.DOORS,
        urgency=Urgency.NORMAL,
        location=Location.HOME,
        description="门锁坏了",
    )


async def outcomes(sessions: async_sessionmaker[AsyncSession], call: Call) -> dict[int, str]:
    """Each person's answer: 'ok' or the error's class name; nothing is kept."""
    found = {}
    for telegram_id in EVERYONE:
        who = await actor(sessions, telegram_id)
        async with sessions() as session:
            await session.begin()
            try:
                await call(session, who)
                found[telegram_id] = "ok"
            except Exception as error:  # the answer under test
                found[telegram_id] = type(error).__name__
            finally:
                await session.rollback()
    return found


def expect(ok: tuple[int, ...], otherwise: str, **special: str) -> dict[int, str]:
    by_name = {"LEADER": LEADER_ID, "WORKER2": WORKER2_ID, "ADMIN": ADMIN_ID}
    answers = {t: ("ok" if t in ok else otherwise) for t in EVERYONE}
    for name, answer in special.items():
        answers[by_name[name]] = answer
    return answers


STAFF_READERS = (WORKER_ID, WORKER2_ID, SERVICE_ID, LEADER_ID, SUPERVISOR_ID, ADMIN_ID)


async def test_who_may_report_for_王阿姨s_household(
    sessions: async_sessionmaker[AsyncSession],
    scene: dict[str, Any],
    clock: FixedClock,
    policy: Policy,
) -> None:
    folks = scene["folks"]
    found = await outcomes(
        sessions, lambda s, a: reporting.file(s, a, draft(folks), clock(), policy)
    )
    assert found == expect((RESIDENT_ID,), NotYourHousehold.__name__)
    found = await outcomes(
        sessions,
        lambda s, a: reporting.file_on_behalf(s, a, draft(folks), "visit", clock(), policy),
    )
    assert found == expect((SERVICE_ID, LEADER_ID, ADMIN_ID), NotAllowed.__name__)


async def test_who_may_claim_and_assign(
    sessions: async_sessionmaker[AsyncSession],
    scene: dict[str, Any],
    clock: FixedClock,
    policy: Policy,
) -> None:
    tid, worker2 = scene["new"], scene["folks"].users[WORKER2_ID]
    found = await outcomes(sessions, lambda s, a: claiming.claim(s, a, tid, clock(), policy))
    assert found == expect((WORKER_ID, WORKER2_ID), NotAllowed.__name__)
    found = await outcomes(
        sessions, lambda s, a: claiming.assign(s, a, tid, worker2, clock(), policy)
    )
    assert found == expect((LEADER_ID, ADMIN_ID), NotAllowed.__name__)


async def test_who_may_work_on_a_claimed_ticket(
    sessions: async_sessionmaker[AsyncSession],
    scene: dict[str, Any],
    clock: FixedClock,
    policy: Policy,
) -> None:
    tid = scene["claimed"]
    today = policy.local(clock()).date()
    calls: list[Call] = [
        lambda s, a: lifecycle.start(s, a, tid, clock(), policy),
        lambda s, a: lifecycle.hold(
            s, a, tid, reason="等配件", until=today, now=clock(), policy=policy
        ),
        lambda s, a: lifecycle.resolve(
            s, a, tid, note="好了", photo_file_id=None, now=clock(), policy=policy
        ),
    ]
    for call in calls:
        found = await outcomes(sessions, call)
        assert found == expect((WORKER_ID,), NotAllowed.__name__, WORKER2=NotAssignee.__name__)


async def test_who_may_answer_for_the_reporter(
    sessions: async_sessionmaker[AsyncSession],
    scene: dict[str, Any],
    clock: FixedClock,
    policy: Policy,
) -> None:
    resolved, new = scene["resolved"], scene["new"]
    calls: list[Call] = [
        lambda s, a: lifecycle.confirm(s, a, resolved, clock(), policy),
        lambda s, a: lifecycle.reopen(s, a, resolved, clock(), policy),
        lambda s, a: lifecycle.cancel(s, a, new, clock(), policy),
    ]
    for call in calls:
        assert await outcomes(sessions, call) == expect((RESIDENT_ID,), NotReporter.__name__)


async def test_who_may_see_a_ticket_and_its_media(
    sessions: async_sessionmaker[AsyncSession], scene: dict[str, Any]
) -> None:
    tid = scene["claimed"]
    for call in (
        lambda s, a: queries.detail(s, a, tid),
        lambda s, a: queries.media(s, a, tid),
        lambda s, a: queries.find(s, a, "WSL-0002"),
    ):
        found = await outcomes(sessions, call)
        assert found == expect((RESIDENT_ID, *STAFF_READERS), NotFound.__name__)


async def test_who_may_list_count_and_set_deadlines(
    sessions: async_sessionmaker[AsyncSession], scene: dict[str, Any], clock: FixedClock
) -> None:
    yard = scene["folks"].courtyard_id
    found = await outcomes(sessions, lambda s, a: queries.open_tickets(s, a, yard, clock()))
    assert found == expect(STAFF_READERS, NotAllowed.__name__)
    found = await outcomes(sessions, lambda s, a: stats.summary(s, a, yard, clock()))
    assert found == expect((LEADER_ID, SUPERVISOR_ID, ADMIN_ID), NotAllowed.__name__)
    found = await outcomes(sessions, lambda s, a: stats.summary(s, a, None, clock()))
    assert found == expect((SUPERVISOR_ID, ADMIN_ID), NotAllowed.__name__)
    found = await outcomes(
        sessions,
        lambda s, a: deadlines.set_window(
            s,
            a,
            courtyard_id=yard,
            category=None,
            urgency=Urgency.URGENT,
            window=deadlines.Window(20, 600),
            now=clock(),
        ),
    )
    assert found == expect((LEADER_ID, ADMIN_ID), NotAllowed.__name__)


async def test_residents_see_only_their_households_requests(
    sessions: async_sessionmaker[AsyncSession], scene: dict[str, Any], clock: FixedClock
) -> None:
    for telegram_id, count in (
        (RESIDENT_ID, 3),
        (NEIGHBOUR_ID, 0),
        (TWO_HOMES_ID, 0),
        (WORKER_ID, 0),
    ):
        who = await actor(sessions, telegram_id)
        async with sessions() as session:
            assert len((await queries.my_requests(session, who, clock())).lines) == count
    worker = await actor(sessions, WORKER_ID)
    async with sessions() as session:
        work = await queries.my_tickets(session, worker, clock() + timedelta(minutes=1))
    assert [t.number for t in work.mine] == ["WSL-0002"]
    assert [t.number for t in work.to_claim] == ["WSL-0001"]
