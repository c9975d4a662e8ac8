"""The visit list (上门名单): adding households (one statement, harmless to repeat), who may
see and mark it (every role), recording visits (told closes, not home stays open, a second
mark is refused), and the (open, done) figures a feature shows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, OTHER_LEADER_ID
from tickets_data import (
    RESIDENT_ID,
    SERVICE_ID,
    SUPERVISOR_ID,
    WORKER_ID,
    TicketPeople,
    actor,
)
from yards import ActorOf, room

from models import Event, Household, VisitOutcome, VisitTask
from services import roles, visits
from services.access import Role
from services.clock import FixedClock
from services.errors import InvalidInput, NotAllowed, NotFound
from services.visits import VisitAlreadyDone

FINANCE_ID = 5007


@contextmanager
def inserts_into_visits(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO VISIT_TASKS"):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def household_ids(session: AsyncSession, courtyard_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(Household.id)
            .where(Household.courtyard_id == courtyard_id)
            .order_by(Household.id)
        )
    )


async def add(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    courtyard_id: int,
    ids: list[int],
    *,
    kind: str = "notice",
    ref: str = "7",
) -> int:
    async with sessions() as session, session.begin():
        return await visits.add(
            session,
            courtyard_id=courtyard_id,
            kind=kind,
            ref=ref,
            household_ids=ids,
            reason="unreachable",
            now=clock(),
        )


async def test_many_households_are_added_in_one_statement_and_once(
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    async with sessions() as session:
        ids = await household_ids(session, yard["id"])

    with inserts_into_visits(engine) as statements:
        first = await add(sessions, clock, yard["id"], ids)
    again = await add(sessions, clock, yard["id"], [*ids[:5], *ids[:5]])
    other_ref = await add(sessions, clock, yard["id"], ids[:3], ref="8")

    assert (first, again, other_ref) == (48, 0, 3)
    assert len(statements) == 1
    async with sessions() as session:
        stored = list(await session.scalars(select(VisitTask).order_by(VisitTask.id)))
    assert len(stored) == 51
    assert {(t.kind, t.reason, t.tries, t.done_at) for t in stored} == {
        ("notice", "unreachable", 0, None)
    }
    assert stored[0].created_at == clock()


async def test_households_of_another_courtyard_are_not_added(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
) -> None:
    async with sessions() as session:
        elsewhere = await household_ids(session, other_yard["id"])

    assert await add(sessions, clock, yard["id"], elsewhere[:4]) == 0
    assert await add(sessions, clock, yard["id"], []) == 0


async def leader_sees(
    sessions: async_sessionmaker[AsyncSession], courtyard_id: int, telegram_id: int = LEADER_ID
) -> list[visits.VisitInfo]:
    who = await actor(sessions, telegram_id)
    async with sessions() as session:
        return await visits.open_for(session, who, courtyard_id)


async def test_the_list_shows_address_owner_and_phone_by_kind_and_ref(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
) -> None:
    courtyard_id = folks.courtyard_id
    async with sessions() as session, session.begin():
        registered = await room(session, courtyard_id, "1号楼-1单元-201")
        registered.owner_name, registered.phone = "钱奶奶", "13800138000"
        ids = [registered.id, folks.homes["2号楼-1单元-501"], folks.homes["1号楼-1单元-101"]]
    await add(sessions, clock, courtyard_id, ids, kind="notice", ref="7")
    await add(sessions, clock, courtyard_id, ids[:1], kind="fee-visit", ref="2026-12")

    seen = await leader_sees(sessions, courtyard_id)

    assert [(v.kind, v.ref, v.household, v.owner_name, v.phone) for v in seen] == [
        ("fee-visit", "2026-12", "1号楼-1单元-201", "钱奶奶", "13800138000"),
        ("notice", "7", "1号楼-1单元-101", "赵大爷", None),
        ("notice", "7", "1号楼-1单元-201", "钱奶奶", "13800138000"),
        ("notice", "7", "2号楼-1单元-501", "王阿姨", None),
    ]
    admin = await actor(sessions, ADMIN_ID)
    async with sessions() as session:
        only_fees = await visits.open_for(session, admin, courtyard_id, kind="fee-visit")
    assert [v.household for v in only_fees] == ["1号楼-1单元-201"]


@pytest.mark.parametrize(
    ("telegram_id", "allowed"),
    [
        (LEADER_ID, True),
        (ADMIN_ID, True),
        (OTHER_LEADER_ID, False),  # leads 都市A座, not this courtyard
        (RESIDENT_ID, False),
        (WORKER_ID, False),
        (SERVICE_ID, False),
        (SUPERVISOR_ID, False),
        (FINANCE_ID, False),
    ],
)
async def test_only_the_courtyards_grid_leaders_and_admins_see_and_mark_visits(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    other_yard: dict[str, Any],
    actor_of: ActorOf,
    telegram_id: int,
    allowed: bool,
) -> None:
    courtyard_id = folks.courtyard_id
    async with sessions() as session, session.begin():
        finance = await roles.user_by_telegram_id(session, FINANCE_ID, clock(), create=True)
        await roles.grant(session, finance, Role.FINANCE, courtyard_id, clock(), tell=False)
    await add(sessions, clock, courtyard_id, [folks.homes["2号楼-1单元-501"]])
    who = await actor_of(telegram_id)

    async with sessions() as session:
        if not allowed:
            with pytest.raises(NotAllowed):
                await visits.open_for(session, who, courtyard_id)
            task_id = await session.scalar(select(VisitTask.id))
            assert task_id is not None
            with pytest.raises(NotAllowed):
                await visits.mark_done(session, who, task_id, "told", clock())
            return
        [task] = await visits.open_for(session, who, courtyard_id)
        done = await visits.mark_done(session, who, task.id, "told", clock())
    assert done.outcome is VisitOutcome.TOLD


async def test_told_closes_a_visit_and_a_second_mark_is_refused(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: TicketPeople
) -> None:
    courtyard_id = folks.courtyard_id
    await add(sessions, clock, courtyard_id, [folks.homes["2号楼-1单元-501"]])
    leader = await actor(sessions, LEADER_ID)
    admin = await actor(sessions, ADMIN_ID)
    [task] = await leader_sees(sessions, courtyard_id)

    async with sessions() as session, session.begin():
        done = await visits.mark_done(session, leader, task.id, "told", clock())
    async with sessions() as session:
        with pytest.raises(VisitAlreadyDone) as again:
            await visits.mark_done(session, admin, task.id, "refused", clock())

    assert (done.outcome, done.done_at, done.tries) == (VisitOutcome.TOLD, clock(), 1)
    assert again.value.params == {"household": "2号楼-1单元-501", "who": "李网格长"}
    assert await leader_sees(sessions, courtyard_id) == []
    async with sessions() as session:
        stored = await session.get(VisitTask, task.id)
        assert stored is not None
        assert (stored.done_by, stored.channel) == (leader.user_id, "telegram")
        logged = list(await session.scalars(select(Event).where(Event.subject_type == "visit")))
    assert [(e.action, e.from_state, e.to_state, e.actor_id) for e in logged] == [
        ("visit.done", "open", "told", leader.user_id)
    ]


async def test_not_home_is_a_try_that_keeps_the_visit_open(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: TicketPeople
) -> None:
    courtyard_id = folks.courtyard_id
    homes = [folks.homes["2号楼-1单元-501"], folks.homes["1号楼-1单元-101"]]
    await add(sessions, clock, courtyard_id, homes)
    leader = await actor(sessions, LEADER_ID)
    first, _second = await leader_sees(sessions, courtyard_id)

    async with sessions() as session, session.begin():
        tried = await visits.mark_done(session, leader, first.id, "not_home", clock())
    later = clock() + timedelta(days=1)
    async with sessions() as session, session.begin():
        told = await visits.mark_done(session, leader, first.id, "told", later)

    assert (tried.outcome, tried.tries, tried.done_at) == (VisitOutcome.NOT_HOME, 1, None)
    assert (told.tries, told.done_at, told.tried_at) == (2, later, later)
    async with sessions() as session:
        assert await visits.counts(session, "notice", "7") == (1, 1)
        logged = list(
            await session.scalars(select(Event.action).where(Event.subject_type == "visit"))
        )
    assert logged == ["visit.tried", "visit.done"]


async def test_a_household_nobody_opened_for_comes_after_those_not_tried(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: TicketPeople
) -> None:
    courtyard_id = folks.courtyard_id
    homes = [folks.homes["1号楼-1单元-101"], folks.homes["2号楼-1单元-501"]]
    await add(sessions, clock, courtyard_id, homes)
    leader = await actor(sessions, LEADER_ID)
    first, _ = await leader_sees(sessions, courtyard_id)
    async with sessions() as session, session.begin():
        await visits.mark_done(session, leader, first.id, "not_home", clock())

    order = [(v.household, v.tries) for v in await leader_sees(sessions, courtyard_id)]

    assert order == [("2号楼-1单元-501", 0), ("1号楼-1单元-101", 1)]


async def test_an_unknown_outcome_or_task_is_refused(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: TicketPeople
) -> None:
    await add(sessions, clock, folks.courtyard_id, [folks.homes["2号楼-1单元-501"]])
    leader = await actor(sessions, LEADER_ID)
    [task] = await leader_sees(sessions, folks.courtyard_id)

    async with sessions() as session:
        with pytest.raises(InvalidInput):
            await visits.mark_done(session, leader, task.id, "shouted", clock())
        with pytest.raises(NotFound):
            await visits.mark_done(session, leader, task.id + 1000, "told", clock())
        assert await visits.counts(session, "notice", "7") == (1, 0)
        assert await visits.counts(session, "notice", "8") == (0, 0)


def test_each_kind_of_visit_is_named_by_one_feature() -> None:
    from bot.features import Feature, visit_kinds

    def notice(ref: str, _gettext: Any) -> str:
        return f"通知 {ref}"

    notices = Feature(name="notices", visit_kinds={"notice": notice})
    fees = Feature(name="fees", visit_kinds={"fee-visit": notice})

    assert set(visit_kinds((notices, fees))) == {"notice", "fee-visit"}
    with pytest.raises(ValueError, match="notice"):
        visit_kinds((notices, Feature(name="again", visit_kinds={"notice": notice})))


async def test_visits_with_nothing_left_to_tell_leave_the_list(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: TicketPeople
) -> None:
    paid, owing = folks.homes["2号楼-1单元-501"], folks.homes["1号楼-1单元-101"]
    await add(sessions, clock, folks.courtyard_id, [paid, owing], kind="fee-visit", ref="2026-12")

    async with sessions() as session, session.begin():
        first = await visits.close_open(
            session, kind="fee-visit", ref="2026-12", now=clock(), household_ids=[paid]
        )
        again = await visits.close_open(
            session, kind="fee-visit", ref="2026-12", now=clock(), household_ids=[paid]
        )

    assert (first, again) == (1, 0)
    assert [v.household for v in await leader_sees(sessions, folks.courtyard_id)] == [
        "1号楼-1单元-101"
    ]
    async with sessions() as session:
        assert await visits.counts(session, "fee-visit", "2026-12") == (1, 1)
        logged = list(await session.scalars(select(Event).where(Event.subject_type == "visit")))
    assert [(e.action, e.actor_id, e.channel) for e in logged] == [
        ("visit.withdrawn", None, "system")
    ]
