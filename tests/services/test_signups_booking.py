"""Signing up: capacity is never exceeded whatever the concurrency, the waiting list is kept
in order and promoted on a cancel (the promoted person is told), a past event and a second
sign-up are refused, and every step is an event row."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from signups_data import bus_card_renewal, offline_neighbour, residents
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID
from tickets_data import NEIGHBOUR_ID, RESIDENT_ID, TWO_HOMES_ID, TicketPeople, actor

from models import Event, GatheringSlot, OutboxMessage, Signup, SignupStatus
from services.access import Actor
from services.clock import FixedClock
from services.errors import NotAllowed
from services.policy import Policy
from services.signups import booking, cancelling, gatherings, queries
from services.signups.errors import AlreadySignedUp, GatheringNotOpen, GatheringOver, SlotFull


async def first_slot(sessions: async_sessionmaker[AsyncSession], gathering_id: int) -> int:
    async with sessions() as session:
        info = await queries.details(session, gathering_id)
        return info.slots[0].id


async def slot_row(sessions: async_sessionmaker[AsyncSession], slot_id: int) -> GatheringSlot:
    async with sessions() as session:
        slot = await session.get(GatheringSlot, slot_id)
        assert slot is not None
        return slot


async def signups(sessions: async_sessionmaker[AsyncSession], slot_id: int) -> list[Signup]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(Signup).where(Signup.slot_id == slot_id).order_by(Signup.id)
            )
        )


async def outbox_rows(sessions: async_sessionmaker[AsyncSession], kind: str) -> list[Any]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


@pytest.fixture
async def leader(sessions: async_sessionmaker[AsyncSession], folks: TicketPeople) -> Actor:
    return await actor(sessions, LEADER_ID)


async def test_fifty_at_once_for_ten_places_gives_ten_places_and_a_waiting_list_in_order(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(
        sessions, leader, folks.courtyard_id, clock(), policy, slots="9:00-10:00 10人"
    )
    slot_id = await first_slot(sessions, gathering_id)
    people = [
        await actor(sessions, t) for t in await residents(sessions, folks.courtyard_id, clock(), 50)
    ]

    async def sign(who: Actor) -> booking.Booked:
        async with sessions() as session, session.begin():
            return await booking.sign_up(
                session, who, gathering_id, slot_id, clock(), policy, wait=True
            )

    results = await asyncio.gather(*(sign(p) for p in people))
    assert [r.status for r in results].count(SignupStatus.BOOKED) == 10
    assert [r.status for r in results].count(SignupStatus.WAITING) == 40
    assert (await slot_row(sessions, slot_id)).taken == 10
    stored = await signups(sessions, slot_id)
    assert len(stored) == 50
    assert len({s.user_id for s in stored}) == 50
    waiting = sorted((s for s in stored if s.status is SignupStatus.WAITING), key=lambda s: s.id)
    # numbered 1..40 without gaps, in the order they were written
    assert [s.queue_no for s in waiting] == list(range(1, 41))
    async with sessions() as session:
        queued = list(
            await session.scalars(
                select(Event.subject_id).where(Event.action == "queued").order_by(Event.id)
            )
        )
        assert queued == [s.id for s in waiting]
        # what each person is shown: their place in the line, 1 to 40
        positions = [
            (await queries.signups_of(session, s.user_id, clock()))[0].position for s in waiting
        ]
    assert positions == list(range(1, 41))


async def test_fifty_at_once_without_waiting_leaves_the_forty_unwritten(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(
        sessions, leader, folks.courtyard_id, clock(), policy, slots="9:00-10:00 10人"
    )
    slot_id = await first_slot(sessions, gathering_id)
    people = [
        await actor(sessions, t) for t in await residents(sessions, folks.courtyard_id, clock(), 50)
    ]

    async def sign(who: Actor) -> str:
        try:
            async with sessions() as session, session.begin():
                await booking.sign_up(session, who, gathering_id, slot_id, clock(), policy)
            return "placed"
        except SlotFull:
            return "asked"

    results = await asyncio.gather(*(sign(p) for p in people))
    assert results.count("placed") == 10
    assert results.count("asked") == 40
    assert (await slot_row(sessions, slot_id)).queued == 0
    assert len(await signups(sessions, slot_id)) == 10


async def test_a_cancel_promotes_the_first_in_line_who_is_told(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(
        sessions, leader, folks.courtyard_id, clock(), policy, slots="9:00-9:15 1人"
    )
    slot_id = await first_slot(sessions, gathering_id)
    wang, zhao, sun = [await actor(sessions, t) for t in (RESIDENT_ID, NEIGHBOUR_ID, TWO_HOMES_ID)]
    got = {}
    for who in (wang, zhao, sun):
        async with sessions() as session, session.begin():
            got[who.name] = await booking.sign_up(
                session, who, gathering_id, slot_id, clock(), policy, wait=True
            )
    assert got["王阿姨"].status is SignupStatus.BOOKED
    assert (got["赵大爷"].position, got["孙先生"].position) == (1, 2)

    async with sessions() as session, session.begin():
        promoted = await cancelling.cancel(session, wang, got["王阿姨"].signup_id, clock(), policy)
    assert promoted is not None
    assert promoted.name == "赵大爷"
    rows = {s.user_id: s for s in await signups(sessions, slot_id)}
    assert rows[zhao.user_id].status is SignupStatus.BOOKED
    assert rows[wang.user_id].status is SignupStatus.CANCELLED
    assert rows[sun.user_id].status is SignupStatus.WAITING
    assert (await slot_row(sessions, slot_id)).taken == 1
    told = await outbox_rows(sessions, "signup.promoted")
    assert [(r.user_id, r.payload["name"], r.payload["for_other"]) for r in told] == [
        (zhao.user_id, "赵大爷", False)
    ]
    async with sessions() as session:
        mine = await queries.signups_of(session, sun.user_id, clock())
    assert mine[0].position == 1  # next in line now

    # the one with the place cancels too: 孙先生 gets it; then he cancels: the place is free
    async with sessions() as session, session.begin():
        await cancelling.cancel(session, zhao, rows[zhao.user_id].id, clock(), policy)
    async with sessions() as session, session.begin():
        assert await cancelling.cancel(session, sun, rows[sun.user_id].id, clock(), policy) is None
    assert (await slot_row(sessions, slot_id)).taken == 0
    async with sessions() as session:
        actions = list(
            await session.scalars(
                select(Event.action).where(Event.subject_type == "signup").order_by(Event.id)
            )
        )
    assert actions == [
        "signed_up", "queued", "queued", "cancelled", "promoted", "cancelled", "promoted",
        "cancelled",
    ]  # fmt: skip


async def test_an_offline_neighbour_promoted_is_told_through_her_grid_leader(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(
        sessions, leader, folks.courtyard_id, clock(), policy, slots="9:00-9:15 1人"
    )
    slot_id = await first_slot(sessions, gathering_id)
    home = folks.homes["1号楼-1单元-101"]
    grandma = await offline_neighbour(sessions, home, clock(), "刘奶奶")
    wang = await actor(sessions, RESIDENT_ID)
    async with sessions() as session, session.begin():
        first = await booking.sign_up(session, wang, gathering_id, slot_id, clock(), policy)
        queued = await booking.sign_up(
            session, leader, gathering_id, slot_id, clock(), policy,
            wait=True, person_id=grandma, household_id=home,
        )  # fmt: skip
    assert (queued.name, queued.position) == ("刘奶奶", 1)
    async with sessions() as session:
        event = await session.scalar(
            select(Event).where(
                Event.subject_type == "signup", Event.subject_id == queued.signup_id
            )
        )
        assert event is not None
        assert (event.actor_id, event.data["acting_for"]) == (leader.user_id, grandma)
    assert await outbox_rows(sessions, "signup.signed_for_you") == []  # she has no Telegram
    async with sessions() as session, session.begin():
        await cancelling.cancel(session, wang, first.signup_id, clock(), policy)
    told = await outbox_rows(sessions, "signup.promoted")
    assert [(r.user_id, r.payload["name"], r.payload["for_other"]) for r in told] == [
        (leader.user_id, "刘奶奶", True)
    ]


async def test_a_past_event_and_a_second_sign_up_are_refused_and_change_nothing(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(sessions, leader, folks.courtyard_id, clock(), policy)
    async with sessions() as session:
        slots = (await queries.details(session, gathering_id)).slots
    wang = await actor(sessions, RESIDENT_ID)
    async with sessions() as session, session.begin():
        await booking.sign_up(session, wang, gathering_id, slots[1].id, clock(), policy)
    for slot in (slots[1], slots[2]):
        with pytest.raises(AlreadySignedUp) as refused:
            async with sessions() as session, session.begin():
                await booking.sign_up(session, wang, gathering_id, slot.id, clock(), policy)
        assert refused.value.params == {"name": "王阿姨", "slot": "11-29 9:15-9:30"}

    clock.advance(days=1, minutes=-40)  # 9:20 on the day: the first two slots have begun
    zhao = await actor(sessions, NEIGHBOUR_ID)
    with pytest.raises(GatheringOver):
        async with sessions() as session, session.begin():
            await booking.sign_up(session, zhao, gathering_id, slots[0].id, clock(), policy)
    async with sessions() as session:
        mine = await queries.signups_of(session, wang.user_id, clock())
    with pytest.raises(GatheringOver):
        async with sessions() as session, session.begin():
            await cancelling.cancel(session, wang, mine[0].id, clock(), policy)
    async with sessions() as session:
        count = await session.scalar(select(func.count(Signup.id)))
        taken = await session.scalar(select(func.sum(GatheringSlot.taken)))
    assert (count, taken) == (1, 1)


async def test_one_person_tapping_five_times_at_once_gets_one_place(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(sessions, leader, folks.courtyard_id, clock(), policy)
    async with sessions() as session:
        slots = (await queries.details(session, gathering_id)).slots
    wang = await actor(sessions, RESIDENT_ID)

    async def sign(slot_id: int) -> str:
        try:
            async with sessions() as session, session.begin():
                await booking.sign_up(session, wang, gathering_id, slot_id, clock(), policy)
            return "placed"
        except AlreadySignedUp:
            return "refused"

    results = await asyncio.gather(*(sign(slots[n % 2].id) for n in range(5)))
    assert sorted(results) == ["placed", "refused", "refused", "refused", "refused"]
    async with sessions() as session:
        count = await session.scalar(select(func.count(Signup.id)))
        taken = await session.scalar(select(func.sum(GatheringSlot.taken)))
    assert (count, taken) == (1, 1)


async def test_a_closed_event_takes_no_more_sign_ups(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(sessions, leader, folks.courtyard_id, clock(), policy)
    slot_id = await first_slot(sessions, gathering_id)
    wang = await actor(sessions, RESIDENT_ID)
    with pytest.raises(NotAllowed):
        async with sessions() as session, session.begin():
            await gatherings.close(session, wang, gathering_id, clock())
    async with sessions() as session, session.begin():
        await gatherings.close(session, leader, gathering_id, clock())
    with pytest.raises(GatheringNotOpen):
        async with sessions() as session, session.begin():
            await booking.sign_up(session, wang, gathering_id, slot_id, clock(), policy)
    async with sessions() as session:
        assert await queries.open_for(session, wang, clock()) == []


async def test_five_cancels_at_once_promote_the_first_five_in_line(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    leader: Actor,
    clock: FixedClock,
    policy: Policy,
) -> None:
    gathering_id = await bus_card_renewal(
        sessions, leader, folks.courtyard_id, clock(), policy, slots="9:00-10:00 5人"
    )
    slot_id = await first_slot(sessions, gathering_id)
    people = [
        await actor(sessions, t) for t in await residents(sessions, folks.courtyard_id, clock(), 12)
    ]
    placed = []
    for who in people:  # one after another: five places, then seven in line, in this order
        async with sessions() as session, session.begin():
            placed.append(
                await booking.sign_up(
                    session, who, gathering_id, slot_id, clock(), policy, wait=True
                )
            )

    async def cancel(who: Actor, signup_id: int) -> None:
        async with sessions() as session, session.begin():
            await cancelling.cancel(session, who, signup_id, clock(), policy)

    await asyncio.gather(*(cancel(people[n], placed[n].signup_id) for n in range(5)))
    stored = {s.user_id: s for s in await signups(sessions, slot_id)}
    status = [stored[p.user_id].status for p in people]
    assert (
        status
        == [SignupStatus.CANCELLED] * 5 + [SignupStatus.BOOKED] * 5 + [SignupStatus.WAITING] * 2
    )
    assert (await slot_row(sessions, slot_id)).taken == 5
    told = await outbox_rows(sessions, "signup.promoted")
    assert sorted(r.user_id for r in told) == sorted(p.user_id for p in people[5:10])
