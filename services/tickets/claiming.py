"""Claiming (抢单): exactly one worker gets a new ticket however many tap at once; and grid
leaders assigning a ticket to a named worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Ticket, TicketStatus, User
from services import roles
from services.access import Actor, Role, require
from services.policy import Policy
from services.tickets import info, notices, transitions
from services.tickets.errors import NotAWorker, TicketChanged
from services.tickets.info import TicketInfo
from services.tickets.messages import TicketTakenAway, TicketWork
from services.tickets.permissions import LEADERS
from services.tickets.transitions import TicketAction as A


async def _take(session: AsyncSession, ticket: Ticket, worker_id: int, now: datetime) -> bool:
    """The one conditional UPDATE that decides who gets a new ticket: the row still 'new'
    wins (rowcount 1). PostgreSQL re-checks the WHERE after waiting for a concurrent
    claimer's lock; SQLite runs write transactions one at a time."""
    result = await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status == TicketStatus.NEW)
        .values(
            status=TicketStatus.CLAIMED,
            assignee_id=worker_id,
            claimed_at=now,
            claim_seconds=int((now - ticket.created_at).total_seconds()),
            version=Ticket.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(ticket)
    return bool(getattr(result, "rowcount", 0))


async def claim(
    session: AsyncSession, actor: Actor, ticket_id: int, now: datetime, policy: Policy
) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    await transitions.check(session, ticket, A.CLAIM, actor, now=now)
    if not await _take(session, ticket, actor.user_id, now):
        await transitions.check(session, ticket, A.CLAIM, actor, now=now)  # says who got it
        raise TicketChanged(number=ticket.number)
    await transitions.change(
        session,
        ticket,
        actor,
        A.CLAIM,
        now=now,
        moved_from=TicketStatus.NEW,
        data={"assignee_id": actor.user_id},
    )
    done = await transitions.announce(
        session, ticket, actor, action="claimed", now=now, policy=policy
    )
    await notices.tell_assignee(
        session,
        ticket,
        TicketWork(ticket=done, why="claimed"),
        now=now,
        policy=policy,
    )
    return done


@dataclass(frozen=True)
class Worker:
    user_id: int
    name: str


async def workers(session: AsyncSession, actor: Actor, courtyard_id: int) -> list[Worker]:
    """The repair workers a leader can assign this courtyard's tickets to."""
    require(actor, LEADERS, courtyard_id)
    ids = await roles.holders(session, Role.REPAIR, courtyard_id)
    if not ids:
        return []
    rows = await session.execute(
        select(User.id, User.name).where(User.id.in_(ids)).order_by(User.name, User.id)
    )
    return [Worker(i, n) for i, n in rows.tuples().all()]


async def assign(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    worker_id: int,
    now: datetime,
    policy: Policy,
) -> TicketInfo:
    """A grid leader gives the ticket to a named worker (or moves it to another)."""
    ticket = await info.get(session, ticket_id)
    require(actor, LEADERS, ticket.courtyard_id)
    if worker_id not in await roles.holders(session, Role.REPAIR, ticket.courtyard_id):
        worker = await session.get(User, worker_id)
        raise NotAWorker(name=worker.name if worker else str(worker_id))
    await transitions.check(session, ticket, A.ASSIGN, actor, now=now)
    previous = ticket.assignee_id
    if previous == worker_id:
        return await info.describe(session, ticket)
    if ticket.status is TicketStatus.NEW:
        if not await _take(session, ticket, worker_id, now):
            await transitions.check(session, ticket, A.ASSIGN, actor, now=now)
            raise TicketChanged(number=ticket.number)
        await transitions.change(
            session,
            ticket,
            actor,
            A.ASSIGN,
            now=now,
            moved_from=TicketStatus.NEW,
            data={"assignee_id": worker_id},
        )
    else:
        ticket.assignee_id = worker_id
        await transitions.change(
            session,
            ticket,
            actor,
            A.ASSIGN,
            now=now,
            event="reassigned",
            data={"from": previous, "to": worker_id},
        )
    done = await transitions.announce(
        session, ticket, actor, action="assigned", now=now, policy=policy
    )
    await notices.tell_assignee(
        session,
        ticket,
        TicketWork(ticket=done, why="assigned", by=actor.name),
        now=now,
        policy=policy,
        exclude=actor.user_id,
    )
    if previous is not None:
        await notices.tell_assignee(
            session,
            ticket,
            TicketTakenAway(ticket=done, by=actor.name),
            now=now,
            policy=policy,
            user_id=previous,
            exclude=actor.user_id,
        )
    return done
