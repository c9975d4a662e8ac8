"""Claiming: exactly one worker gets a ticket however many tap at once; cards show who has
it; grid leaders assign to a named worker."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID
from tickets_data import (
    RESIDENT_ID,
    SERVICE_ID,
    STAFF_GROUP,
    WORKER2_ID,
    WORKER_ID,
    TicketPeople,
    actor,
)

from models import (
    Event,
    Location,
    OutboxMessage,
    OutboxStatus,
    Ticket,
    TicketCategory,
    TicketStatus,
    Urgency,
)
from services import roles
from services.access import Role
from services.clock import FixedClock
from services.errors import NotAllowed
from services.policy import Policy
from services.tickets import claiming, lifecycle, reporting
from services.tickets.errors import AlreadyClaimed, NotAWorker, TicketCancelled, TicketChanged
from services.tickets.messages import TicketCard
from services.tickets.reporting import Draft

PG_URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.usefixtures("staff_group")


@pytest.fixture
async def ticket_id(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    clock: FixedClock,
    policy: Policy,
) -> int:
    resident = await actor(sessions, RESIDENT_ID)
    async with sessions() as session, session.begin():
        filed = await reporting.file(
            session,
            resident,
            Draft(
                household_id=folks.homes["2号楼-1单元-501"],
                category=TicketCategory.ELEVATOR,
                urgency=Urgency.URGENT,
                location=Location.COMMON,
                place="2号楼电梯",
                description="电梯停在三楼不动",
            ),
            clock(),
            policy,
        )
    return filed.id


async def test_twenty_concurrent_claims_leave_exactly_one_claimant(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    ticket_id: int,
    clock: FixedClock,
    policy: Policy,
) -> None:
    workers = []
    async with sessions() as session, session.begin():
        for n in range(20):
            user = await roles.user_by_telegram_id(session, 7000 + n, clock(), create=True)
            user.name = f"师傅{n}"
            await roles.grant(session, user, Role.REPAIR, folks.courtyard_id, clock())
            workers.append(7000 + n)
    actors = [await actor(sessions, w) for w in workers]

    async def try_claim(who: object) -> str:
        try:
            async with sessions() as session, session.begin():
                await claiming.claim(session, who, ticket_id, clock(), policy)  # type: ignore[arg-type]
            return "won"
        except AlreadyClaimed:
            return "lost"

    results = await asyncio.gather(*(try_claim(a) for a in actors))
    assert results.count("won") == 1
    assert results.count("lost") == 19
    async with sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        assert ticket.status is TicketStatus.CLAIMED
        winner = actors[results.index("won")]
        assert ticket.assignee_id == winner.user_id
        claims = (
            await session.scalars(
                select(Event).where(Event.subject_id == ticket_id, Event.action == "claimed")
            )
        ).all()
        assert len(claims) == 1
        work = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "ticket.work"))
        ).all()
        assert [w.user_id for w in work] == [winner.user_id]


async def test_a_late_tap_is_told_who_has_it(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    ticket_id: int,
    clock: FixedClock,
    policy: Policy,
) -> None:
    zhang, liu = await actor(sessions, WORKER_ID), await actor(sessions, WORKER2_ID)
    async with sessions() as session, session.begin():
        claimed = await claiming.claim(session, zhang, ticket_id, clock(), policy)
    assert claimed.assignee == "张师傅"
    assert claimed.claimed_at == clock()
    async with sessions() as session:
        with pytest.raises(AlreadyClaimed) as raised:
            await claiming.claim(session, liu, ticket_id, clock(), policy)
    assert raised.value.params == {"number": "WSL-0001", "name": "张师傅"}


async def test_only_repair_staff_claim(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    ticket_id: int,
    clock: FixedClock,
    policy: Policy,
) -> None:
    for who in (RESIDENT_ID, SERVICE_ID, LEADER_ID):
        someone = await actor(sessions, who)
        async with sessions() as session:
            with pytest.raises(NotAllowed):
                await claiming.claim(session, someone, ticket_id, clock(), policy)
    async with sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        assert ticket.status is TicketStatus.NEW


async def test_a_cancelled_ticket_cannot_be_claimed(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    ticket_id: int,
    clock: FixedClock,
    policy: Policy,
) -> None:
    resident, zhang = await actor(sessions, RESIDENT_ID), await actor(sessions, WORKER_ID)
    async with sessions() as session, session.begin():
        await lifecycle.cancel(session, resident, ticket_id, clock(), policy)
    async with sessions() as session:
        with pytest.raises(TicketCancelled):
            await claiming.claim(session, zhang, ticket_id, clock(), policy)


async def test_cards_are_edited_to_show_the_claimant(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    ticket_id: int,
    clock: FixedClock,
    policy: Policy,
) -> None:
    # the group's card was sent (message 41); the workers' private cards are still waiting
    async with sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == "ticket.card", OutboxMessage.chat_id == STAFF_GROUP)
            .values(
                status=OutboxStatus.SENT,
                telegram_message_id=41,
                sent_at=datetime(2026, 11, 28, 2, 0, tzinfo=UTC),
            )
        )
    zhang = await actor(sessions, WORKER_ID)
    async with sessions() as session, session.begin():
        await claiming.claim(session, zhang, ticket_id, clock(), policy)
    async with sessions() as session:
        cards = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "ticket.card")
                .order_by(OutboxMessage.id)
            )
        ).all()
    typed = [(c, TicketCard.model_validate(c.payload)) for c in cards]
    edits = [
        (c.chat_id, p.edit_message_id, p.ticket.assignee) for c, p in typed if p.edit_message_id
    ]
    assert edits == [(STAFF_GROUP, 41, "张师傅")]
    waiting = [p for c, p in typed if c.status is OutboxStatus.PENDING and c.user_id]
    assert len(waiting) == 2
    assert all(p.ticket.status == "claimed" for p in waiting)


async def test_leaders_assign_to_a_named_worker(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    ticket_id: int,
    clock: FixedClock,
    policy: Policy,
) -> None:
    leader = await actor(sessions, LEADER_ID)
    async with sessions() as session:
        names = [w.name for w in await claiming.workers(session, leader, folks.courtyard_id)]
    assert names == sorted(["张师傅", "刘师傅"])
    async with sessions() as session, session.begin():
        given = await claiming.assign(
            session, leader, ticket_id, folks.users[WORKER2_ID], clock(), policy
        )
    assert given.status == "claimed"
    assert given.assignee == "刘师傅"
    async with sessions() as session, session.begin():
        moved = await claiming.assign(
            session, leader, ticket_id, folks.users[WORKER_ID], clock(), policy
        )
    assert moved.status == "claimed"
    assert moved.assignee == "张师傅"
    async with sessions() as session:
        kinds = [
            (m.kind, m.user_id)
            for m in await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind.in_(["ticket.work", "ticket.taken_away"]))
                .order_by(OutboxMessage.id)
            )
        ]
        actions = [
            e.action
            for e in await session.scalars(
                select(Event).where(Event.subject_type == "ticket").order_by(Event.id)
            )
        ]
    assert kinds == [
        ("ticket.work", folks.users[WORKER2_ID]),
        ("ticket.work", folks.users[WORKER_ID]),
        ("ticket.taken_away", folks.users[WORKER2_ID]),
    ]
    assert actions == ["filed", "assigned", "reassigned"]


async def test_assign_refuses_non_workers_and_non_leaders(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    ticket_id: int,
    clock: FixedClock,
    policy: Policy,
) -> None:
    leader, zhang = await actor(sessions, LEADER_ID), await actor(sessions, WORKER_ID)
    async with sessions() as session:
        with pytest.raises(NotAWorker):
            await claiming.assign(
                session, leader, ticket_id, folks.users[SERVICE_ID], clock(), policy
            )
        with pytest.raises(NotAllowed):
            await claiming.assign(
                session, zhang, ticket_id, folks.users[WORKER2_ID], clock(), policy
            )


async def test_a_change_made_meanwhile_is_not_overwritten(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    ticket_id: int,
    clock: FixedClock,
    policy: Policy,
) -> None:
    """The resident's cancel read the ticket as new; a claim changed it before the cancel was
    written (here in the same transaction, behind the ORM's back): the cancel is refused."""
    resident, zhang = await actor(sessions, RESIDENT_ID), await actor(sessions, WORKER_ID)
    async with sessions() as session, session.begin():
        seen = await session.get(Ticket, ticket_id)
        assert seen is not None
        assert seen.status is TicketStatus.NEW
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(
                status=TicketStatus.CLAIMED, assignee_id=zhang.user_id, version=Ticket.version + 1
            )
            .execution_options(synchronize_session=False)
        )
        savepoint = await session.begin_nested()
        with pytest.raises(TicketChanged):
            await lifecycle.cancel(session, resident, ticket_id, clock(), policy)
        await savepoint.rollback()
    async with sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        assert ticket.status is TicketStatus.CLAIMED
        cancels = await session.scalars(select(Event).where(Event.action == "cancelled"))
        assert cancels.all() == []


@pytest.mark.skipif(not PG_URL, reason="SQLite runs write transactions one at a time")
async def test_a_cancel_racing_a_claim_on_postgresql(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    ticket_id: int,
    clock: FixedClock,
    policy: Policy,
) -> None:
    resident, zhang = await actor(sessions, RESIDENT_ID), await actor(sessions, WORKER_ID)
    async with sessions() as cancelling, cancelling.begin():
        assert (await cancelling.get(Ticket, ticket_id)) is not None  # read as new
        async with sessions() as claiming_session, claiming_session.begin():
            await claiming.claim(claiming_session, zhang, ticket_id, clock(), policy)
        with pytest.raises(TicketChanged):
            await lifecycle.cancel(cancelling, resident, ticket_id, clock(), policy)
        await cancelling.rollback()
    async with sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        assert ticket.status is TicketStatus.CLAIMED
