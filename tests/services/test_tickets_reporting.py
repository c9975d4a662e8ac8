"""Filing repair tickets: numbers, deadlines, checks of what was told, cards for the team,
and tickets filed on a household's behalf."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tickets_data import (
    NEIGHBOUR_ID,
    RESIDENT_ID,
    SERVICE_ID,
    STAFF_GROUP,
    STRANGER_ID,
    TWO_HOMES_ID,
    WORKER2_ID,
    WORKER_ID,
    TicketPeople,
    actor,
)

from models import (
    Event,
    Location,
    MediaKind,
    OutboxMessage,
    Ticket,
    TicketCategory,
    TicketMedia,
    Urgency,
)
from services.clock import FixedClock
from services.errors import InvalidInput, NotAllowed
from services.policy import Policy
from services.tickets import deadlines, reporting
from services.tickets.errors import (
    DescriptionTooLong,
    DescriptionTooShort,
    EmptyDescription,
    NotYourHousehold,
    TooManyPhotos,
)
from services.tickets.reporting import Draft

WATER = TicketCategory.WATER

pytestmark = pytest.mark.usefixtures("staff_group")


def draft(folks: TicketPeople, label: str = "2号楼-1单元-501", **changes: object) -> Draft:
    values: dict[str, object] = {
        "household_id": folks.homes[label],
        "category": WATER,
        "urgency": Urgency.NORMAL,
        "location": Location.HOME,
        "description": "厨房水管漏水",
    }
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]


async def file(
    sessions: async_sessionmaker[AsyncSession],
    telegram_id: int,
    d: Draft,
    clock: FixedClock,
    policy: Policy,
) -> reporting.TicketInfo:
    who = await actor(sessions, telegram_id)
    async with sessions() as session, session.begin():
        return await reporting.file(session, who, d, clock(), policy)


async def outbox(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_numbers_are_per_courtyard_and_cards_go_to_the_team(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    first = await file(sessions, RESIDENT_ID, draft(folks), clock, policy)
    second = await file(
        sessions, RESIDENT_ID, draft(folks, category=TicketCategory.ELEVATOR), clock, policy
    )
    assert (first.number, second.number) == ("WSL-0001", "WSL-0002")
    assert first.status == "new"
    assert first.household == "2号楼-1单元-501"

    cards = [m for m in await outbox(sessions) if m.kind == "ticket.card"]
    recipients = {(m.chat_id, m.user_id) for m in cards if m.payload["ticket"]["id"] == first.id}
    assert recipients == {
        (STAFF_GROUP, None),
        (None, folks.users[WORKER_ID]),
        (None, folks.users[WORKER2_ID]),
    }
    async with sessions() as session:
        [filed] = (
            await session.scalars(
                select(Event).where(Event.subject_type == "ticket", Event.subject_id == first.id)
            )
        ).all()
    assert (filed.action, filed.to_state, filed.channel) == ("filed", "new", "telegram")
    assert filed.actor_id == folks.users[RESIDENT_ID]


async def test_deadlines_default_and_per_courtyard(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    urgent = await file(sessions, RESIDENT_ID, draft(folks, urgency=Urgency.URGENT), clock, policy)
    assert urgent.claim_due_at == clock() + timedelta(minutes=30)
    assert urgent.resolve_due_at == clock() + timedelta(hours=24)
    normal = await file(sessions, RESIDENT_ID, draft(folks), clock, policy)
    assert normal.claim_due_at == clock() + timedelta(hours=4)
    assert normal.resolve_due_at == clock() + timedelta(hours=72)

    leader = await actor(sessions, 5001)
    async with sessions() as session, session.begin():
        await deadlines.set_window(
            session,
            leader,
            courtyard_id=folks.courtyard_id,
            category=TicketCategory.ELEVATOR,
            urgency=Urgency.URGENT,
            window=deadlines.Window(15, 6 * 60),
            now=clock(),
        )
    lift = await file(
        sessions,
        RESIDENT_ID,
        draft(folks, category=TicketCategory.ELEVATOR, urgency=Urgency.URGENT),
        clock,
        policy,
    )
    assert lift.claim_due_at == clock() + timedelta(minutes=15)
    assert lift.resolve_due_at == clock() + timedelta(hours=6)
    water = await file(sessions, RESIDENT_ID, draft(folks, urgency=Urgency.URGENT), clock, policy)
    assert water.claim_due_at == clock() + timedelta(minutes=30)


async def test_only_leaders_set_deadlines_and_within_bounds(
    sessions: async_sessionmaker[AsyncSession], folks: TicketPeople, clock: FixedClock
) -> None:
    worker = await actor(sessions, WORKER_ID)
    leader = await actor(sessions, 5001)
    async with sessions() as session:
        with pytest.raises(NotAllowed):
            await deadlines.set_window(
                session,
                worker,
                courtyard_id=folks.courtyard_id,
                category=None,
                urgency=Urgency.NORMAL,
                window=deadlines.Window(60, 600),
                now=clock(),
            )
        with pytest.raises(InvalidInput):
            await deadlines.set_window(
                session,
                leader,
                courtyard_id=folks.courtyard_id,
                category=None,
                urgency=Urgency.NORMAL,
                window=deadlines.Window(600, 60),
                now=clock(),
            )
    assert deadlines.parse_duration("30m") == 30
    assert deadlines.parse_duration("4h") == 240
    assert deadlines.parse_duration("3d") == 3 * 24 * 60
    with pytest.raises(InvalidInput):
        deadlines.parse_duration("soon")


async def test_a_normal_ticket_at_night_goes_to_the_team_at_once_its_clock_after_quiet_hours(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    clock.advance(hours=13)  # 23:00 in Zhengzhou
    night = await file(sessions, RESIDENT_ID, draft(folks), clock, policy)
    morning = clock() + timedelta(hours=9)  # 08:00
    assert night.claim_due_at == morning + timedelta(hours=4)
    card = next(m for m in await outbox(sessions) if m.kind == "ticket.card")
    assert card.not_before == clock()  # a ticket card is work for the team, not a notification
    trapped = await file(
        sessions,
        RESIDENT_ID,
        draft(
            folks,
            category=TicketCategory.ELEVATOR,
            urgency=Urgency.URGENT,
            location=Location.COMMON,
            place="2号楼电梯",
            description="有人被困在电梯里",
        ),
        clock,
        policy,
    )
    urgent_card = next(
        m
        for m in await outbox(sessions)
        if m.kind == "ticket.card" and m.payload["ticket"]["id"] == trapped.id
    )
    assert urgent_card.not_before == clock()  # urgent tickets ignore quiet hours
    assert trapped.claim_due_at == clock() + timedelta(minutes=30)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"description": "   "}, EmptyDescription),
        ({"description": "漏" * 501}, DescriptionTooLong),
        ({"description": "👍"}, DescriptionTooShort),
        ({"description": "ok"}, DescriptionTooShort),
        ({"description": "好好好!"}, DescriptionTooShort),
        ({"photo_file_ids": tuple(f"p{i}" for i in range(6))}, TooManyPhotos),
        ({"location": Location.COMMON, "place": ""}, InvalidInput),
        ({"description": None, "voice_file_id": "v1", "voice_seconds": 0}, InvalidInput),
    ],
)
async def test_bad_reports_change_nothing(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
    changes: dict[str, object],
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        await file(sessions, RESIDENT_ID, draft(folks, **changes), clock, policy)
    async with sessions() as session:
        assert (await session.scalars(select(Ticket))).all() == []
    assert await outbox(sessions) == []


async def test_voice_and_photos_are_kept_by_file_id(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    told = await file(
        sessions,
        RESIDENT_ID,
        draft(
            folks,
            description=None,
            voice_file_id="voice-1",
            voice_seconds=12,
            photo_file_ids=("p1", "p2", "p3", "p4", "p5"),
        ),
        clock,
        policy,
    )
    assert told.voice
    assert told.photos == 5
    assert told.description is None
    async with sessions() as session:
        media = (await session.scalars(select(TicketMedia).order_by(TicketMedia.id))).all()
    assert [(m.kind, m.file_id) for m in media][-1] == (MediaKind.VOICE, "voice-1")
    assert len(media) == 6


async def test_residents_report_only_for_their_own_households(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    with pytest.raises(NotYourHousehold):
        await file(sessions, RESIDENT_ID, draft(folks, "1号楼-1单元-101"), clock, policy)
    with pytest.raises(NotYourHousehold):
        await file(sessions, STRANGER_ID, draft(folks), clock, policy)
    sun = await actor(sessions, TWO_HOMES_ID)
    async with sessions() as session:
        choices = await reporting.homes(session, sun)
    assert [c.household for c in choices] == ["1号楼-2单元-201", "2号楼-2单元-602"]
    second = await file(sessions, TWO_HOMES_ID, draft(folks, "2号楼-2单元-602"), clock, policy)
    assert second.household == "2号楼-2单元-602"


async def test_customer_service_files_for_a_household_that_phoned(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    service = await actor(sessions, SERVICE_ID)
    async with sessions() as session, session.begin():
        filed = await reporting.file_on_behalf(
            session, service, draft(folks, "1号楼-1单元-101"), "phone", clock(), policy
        )
    assert filed.on_behalf
    assert filed.channel == "phone"
    assert filed.reporter == "小陈"
    told = [m for m in await outbox(sessions) if m.kind == "ticket.filed_for_you"]
    assert [m.user_id for m in told] == [folks.users[NEIGHBOUR_ID]]
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.action == "filed"))
    assert event is not None
    assert event.channel == "phone"

    resident = await actor(sessions, RESIDENT_ID)
    async with sessions() as session:
        with pytest.raises(NotAllowed):
            await reporting.file_on_behalf(
                session, resident, draft(folks, "1号楼-1单元-101"), "phone", clock(), policy
            )


def test_a_description_needs_a_few_real_characters() -> None:
    assert reporting.clean_description(" 灯不亮 ") == "灯不亮"
    assert reporting.clean_description("lift stuck 🛗") == "lift stuck 🛗"
    with pytest.raises(DescriptionTooShort) as raised:
        reporting.clean_description("👍👍👍")
    assert raised.value.params == {"minimum": reporting.DESCRIPTION_MIN}


async def test_filed_for_a_household_at_night_the_household_is_told_in_the_morning(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    clock.advance(hours=17)  # 03:00 in Zhengzhou
    service = await actor(sessions, SERVICE_ID)
    async with sessions() as session, session.begin():
        await reporting.file_on_behalf(
            session, service, draft(folks, "1号楼-1单元-101"), "phone", clock(), policy
        )
    morning = clock() + timedelta(hours=5)
    by_kind = {m.kind: m.not_before for m in await outbox(sessions)}
    assert by_kind["ticket.filed_for_you"] == morning
    assert by_kind["ticket.card"] == clock()
    assert reporting.household_told_at(clock(), policy, urgent=False) == morning
    assert reporting.household_told_at(clock(), policy, urgent=True) == clock()


async def test_concurrent_reports_get_distinct_numbers(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> None:
    filed = await asyncio.gather(
        *(file(sessions, RESIDENT_ID, draft(folks), clock, policy) for _ in range(10))
    )
    assert sorted(t.number for t in filed) == [f"WSL-{i:04d}" for i in range(1, 11)]
