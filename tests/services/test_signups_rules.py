"""Publishing (announced once to the members in scope and the residents' group, never names
in the group), the day-before reminder with a set clock (once; quiet hours respected; an
offline neighbour's goes to her grid leader), the check-in list, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from signups_data import bus_card_renewal, offline_neighbour
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, OTHER_LEADER_ID, seed_courtyard
from tickets_data import (
    NEIGHBOUR_ID,
    RESIDENT_ID,
    SERVICE_ID,
    STRANGER_ID,
    SUPERVISOR_ID,
    TWO_HOMES_ID,
    WORKER_ID,
    TicketPeople,
    actor,
)
from yards import ActorOf

from models import Event, GroupKind, OutboxMessage, SignupStatus
from services import courtyards, roles
from services.access import Actor, Role
from services.audiences import Scope
from services.clock import FixedClock
from services.errors import NotAllowed, Stale
from services.policy import Policy
from services.signups import booking, cancelling, gatherings, queries, reminders, roster
from services.signups.errors import GatheringNotOpen, NotInScope
from services.signups.schedule import parse_slots

RESIDENTS_GROUP = -100777


async def rows(sessions: async_sessionmaker[AsyncSession], kind: str) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


@pytest.fixture
async def leader(sessions: async_sessionmaker[AsyncSession], folks: TicketPeople) -> Actor:
    return await actor(sessions, LEADER_ID)


async def test_publishing_tells_the_scope_and_the_group_once(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    async with sessions() as session, session.begin():
        await courtyards.link_group(
            session, leader, chat_id=RESIDENTS_GROUP, title="住户群",
            courtyard_id=folks.courtyard_id, kind=GroupKind.RESIDENTS, now=clock(),
        )  # fmt: skip
    # building 2 only: 王阿姨 (2-1-501) and 孙先生 (2-2-602), not 赵大爷 (1-1-101)
    scope = Scope.of(folks.courtyard_id, buildings=["2号楼"])
    gathering_id = await bus_card_renewal(
        sessions, leader, folks.courtyard_id, clock(), policy, scope=scope
    )
    sent = await rows(sessions, "signup.announced")
    people = {folks.users[RESIDENT_ID], folks.users[TWO_HOMES_ID]}
    assert {r.user_id for r in sent if r.user_id} == people
    assert [r.chat_id for r in sent if r.chat_id] == [RESIDENTS_GROUP]
    group_row = next(r for r in sent if r.chat_id)
    assert group_row.payload["in_group"] is True
    assert "王阿姨" not in str(group_row.payload)
    assert {r.dedupe_key for r in sent} == {
        f"signup-announce:{gathering_id}:u{u}" for u in people
    } | {f"signup-announce:{gathering_id}:c{RESIDENTS_GROUP}"}
    async with sessions() as session, session.begin():
        again = await gatherings.announce(session, leader, gathering_id, clock(), policy)
    assert again == 0
    # 赵大爷 is outside the scope: the event is not his to see or join
    zhao = await actor(sessions, NEIGHBOUR_ID)
    wang = await actor(sessions, RESIDENT_ID)
    async with sessions() as session:
        assert [g.id for g in await queries.open_for(session, wang, clock())] == [gathering_id]
        assert await queries.open_for(session, zhao, clock()) == []
        slot = (await queries.details(session, gathering_id)).slots[0].id
    with pytest.raises(NotInScope):
        async with sessions() as session, session.begin():
            await booking.sign_up(session, zhao, gathering_id, slot, clock(), policy)


async def test_the_day_before_reminder_goes_once_and_waits_out_the_night(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(
        sessions, leader, folks.courtyard_id, clock(), policy, slots="9:00-9:30 每15分钟 1人",
        days=2,
    )  # fmt: skip
    async with sessions() as session:
        first, second = (await queries.details(session, gathering_id)).slots
    wang, zhao, sun = [await actor(sessions, t) for t in (RESIDENT_ID, NEIGHBOUR_ID, TWO_HOMES_ID)]
    home = folks.homes["1号楼-1单元-101"]
    grandma = await offline_neighbour(sessions, home, clock(), "刘奶奶")
    async with sessions() as session, session.begin():
        await booking.sign_up(session, wang, gathering_id, first.id, clock(), policy)
        await booking.sign_up(session, zhao, gathering_id, first.id, clock(), policy, wait=True)
        await booking.sign_up(
            session, leader, gathering_id, second.id, clock(), policy,
            person_id=grandma, household_id=home,
        )  # fmt: skip
    async with sessions() as session, session.begin():
        assert await reminders.sweep(session, clock(), policy) == 0  # two days ahead: not yet

    clock.now = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)  # 22:00 the night before, quiet
    async with sessions() as session, session.begin():
        assert await reminders.sweep(session, clock(), policy) == 2
    async with sessions() as session, session.begin():
        assert await reminders.sweep(session, clock(), policy) == 0
    clock.advance(hours=1)
    async with sessions() as session, session.begin():
        assert await reminders.sweep(session, clock(), policy) == 0
    sent = await rows(sessions, "signup.reminder")
    assert [(r.user_id, r.payload["name"], r.payload["for_other"]) for r in sent] == [
        (wang.user_id, "王阿姨", False),
        (leader.user_id, "刘奶奶", True),  # she has no phone: her grid leader tells her
    ]
    eight_next_morning = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert {r.not_before for r in sent} == {eight_next_morning}
    assert sun.user_id not in {r.user_id for r in sent}


async def test_the_check_in_list_per_slot_and_checking_in(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(
        sessions, leader, folks.courtyard_id, clock(), policy, slots="9:00-9:30 每15分钟 1人"
    )
    async with sessions() as session:
        first, second = (await queries.details(session, gathering_id)).slots
    wang, zhao = [await actor(sessions, t) for t in (RESIDENT_ID, NEIGHBOUR_ID)]
    async with sessions() as session, session.begin():
        placed = await booking.sign_up(session, wang, gathering_id, first.id, clock(), policy)
        await booking.sign_up(session, zhao, gathering_id, first.id, clock(), policy, wait=True)
    async with sessions() as session, session.begin():
        assert await roster.check_in(session, leader, placed.signup_id, clock()) is True
    async with sessions() as session, session.begin():
        assert await roster.check_in(session, leader, placed.signup_id, clock()) is False
    async with sessions() as session:
        listed = await roster.roster(session, leader, gathering_id)
        checked = list(await session.scalars(select(Event).where(Event.action == "checked_in")))
    one, two = listed.slots
    assert [(e.name, e.room, e.checked_in) for e in one.booked] == [
        ("王阿姨", "2号楼-1单元-501", True)
    ]
    assert [(e.name, e.status) for e in one.waiting] == [("赵大爷", SignupStatus.WAITING)]
    assert (one.arrived, two.booked, two.slot.id) == (1, (), second.id)
    assert len(checked) == 1


async def test_who_may_do_what(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    actor_of: ActorOf,
    clock: FixedClock,
    policy: Policy,
) -> None:
    other = await seed_courtyard(
        sessions, clock(), "都市A座", code="DSA", leader_id=OTHER_LEADER_ID
    )
    async with sessions() as session, session.begin():
        finance = await roles.user_by_telegram_id(session, 5020, clock(), create=True)
        await roles.grant(session, finance, Role.FINANCE, folks.courtyard_id, clock(), tell=False)
    planned = parse_slots("9:00-10:00 5人", policy.local(clock()).date().replace(day=29),
                          policy.timezone)  # fmt: skip
    scope = Scope.of(folks.courtyard_id)
    cannot_create = [RESIDENT_ID, WORKER_ID, SERVICE_ID, SUPERVISOR_ID, STRANGER_ID,
                     OTHER_LEADER_ID, 5020]  # fmt: skip
    for telegram_id in cannot_create:
        who = await actor(sessions, telegram_id)
        with pytest.raises(NotAllowed):
            async with sessions() as session, session.begin():
                await gatherings.publish(
                    session, who, scope=scope, title="百家宴", place="院里", slots=planned,
                    now=clock(), policy=policy,
                )  # fmt: skip
    admin = await actor_of(ADMIN_ID)
    async with sessions() as session, session.begin():
        gathering_id, _n = await gatherings.publish(
            session, admin, scope=scope, title="百家宴", place="院里", slots=planned,
            now=clock(), policy=policy,
        )  # fmt: skip
        slot = (await queries.details(session, gathering_id)).slots[0].id
    wang, stranger = await actor(sessions, RESIDENT_ID), await actor(sessions, STRANGER_ID)
    zhao = await actor(sessions, NEIGHBOUR_ID)
    # a resident signs herself up, not someone else; a stranger not at all
    with pytest.raises(NotAllowed):
        async with sessions() as session, session.begin():
            await booking.sign_up(
                session, wang, gathering_id, slot, clock(), policy,
                person_id=zhao.user_id, household_id=folks.homes["1号楼-1单元-101"],
            )  # fmt: skip
    with pytest.raises(NotInScope):
        async with sessions() as session, session.begin():
            await booking.sign_up(session, stranger, gathering_id, slot, clock(), policy)
    # the other courtyard's grid leader cannot sign up this courtyard's people
    with pytest.raises(NotAllowed):
        async with sessions() as session, session.begin():
            await booking.sign_up(
                session, await actor(sessions, OTHER_LEADER_ID), gathering_id, slot, clock(),
                policy, person_id=zhao.user_id, household_id=folks.homes["1号楼-1单元-101"],
            )  # fmt: skip
    async with sessions() as session, session.begin():
        placed = await booking.sign_up(session, zhao, gathering_id, slot, clock(), policy)
    # only he or an organizer cancels his place; only organizers check in
    for telegram_id in (RESIDENT_ID, WORKER_ID, SUPERVISOR_ID):
        who = await actor(sessions, telegram_id)
        with pytest.raises(NotAllowed):
            async with sessions() as session, session.begin():
                await cancelling.cancel(session, who, placed.signup_id, clock(), policy)
        with pytest.raises(NotAllowed):
            async with sessions() as session, session.begin():
                await roster.check_in(session, who, placed.signup_id, clock())
    # the list: organizers and supervisors read it; residents and the repair team do not
    for telegram_id in (LEADER_ID, SUPERVISOR_ID):
        async with sessions() as session:
            listed = await roster.roster(session, await actor(sessions, telegram_id), gathering_id)
            assert [e.name for e in listed.slots[0].booked] == ["赵大爷"]
    for telegram_id in (RESIDENT_ID, WORKER_ID, SERVICE_ID, OTHER_LEADER_ID):
        with pytest.raises(NotAllowed):
            async with sessions() as session:
                await roster.roster(session, await actor(sessions, telegram_id), gathering_id)
    async with sessions() as session, session.begin():
        assert await roster.check_in(session, leader, placed.signup_id, clock()) is True
    assert other["id"] != folks.courtyard_id


async def test_calling_an_event_off_tells_everyone_signed_up_once(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    actor_of: ActorOf,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(
        sessions, leader, folks.courtyard_id, clock(), policy, slots="9:00-9:15 1人"
    )
    async with sessions() as session:
        slot = (await queries.details(session, gathering_id)).slots[0].id
    wang, zhao = [await actor(sessions, t) for t in (RESIDENT_ID, NEIGHBOUR_ID)]
    home = folks.homes["1号楼-1单元-101"]
    grandma = await offline_neighbour(sessions, home, clock(), "刘奶奶")
    async with sessions() as session, session.begin():
        await booking.sign_up(session, wang, gathering_id, slot, clock(), policy)
        await booking.sign_up(session, zhao, gathering_id, slot, clock(), policy, wait=True)
        await booking.sign_up(
            session, leader, gathering_id, slot, clock(), policy,
            wait=True, person_id=grandma, household_id=home,
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        async with sessions() as session, session.begin():
            await gatherings.cancel(session, wang, gathering_id, clock(), policy)
    admin = await actor_of(ADMIN_ID)  # the service center calls it off
    async with sessions() as session, session.begin():
        assert await gatherings.cancel(session, admin, gathering_id, clock(), policy) == 3
    told = await rows(sessions, "signup.gathering_cancelled")
    assert [(r.user_id, r.payload["name"], r.payload["for_other"]) for r in told] == [
        (wang.user_id, "王阿姨", False),
        (zhao.user_id, "赵大爷", False),
        (leader.user_id, "刘奶奶", True),  # who signed her up tells her
    ]
    with pytest.raises(Stale):  # once
        async with sessions() as session, session.begin():
            await gatherings.cancel(session, leader, gathering_id, clock(), policy)
    with pytest.raises(GatheringNotOpen):
        async with sessions() as session, session.begin():
            await booking.sign_up(session, wang, gathering_id, slot, clock(), policy)
    async with sessions() as session, session.begin():
        assert await queries.open_for(session, wang, clock()) == []
        assert await queries.signups_of(session, wang.user_id, clock()) == []
        clock.advance(hours=14)  # the evening before: no reminder for a cancelled event
        assert await reminders.sweep(session, clock(), policy) == 0


async def test_an_event_published_at_night_is_announced_in_the_morning(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    clock.now = datetime(2026, 11, 28, 14, 30, tzinfo=UTC)  # 22:30 in Zhengzhou
    await bus_card_renewal(sessions, leader, folks.courtyard_id, clock(), policy, days=2)
    sent = await rows(sessions, "signup.announced")
    assert len(sent) == 3  # 王阿姨, 赵大爷, 孙先生
    assert {r.not_before for r in sent} == {datetime(2026, 11, 29, 0, 0, tzinfo=UTC)}  # 8:00
