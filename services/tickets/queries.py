"""What people look at: a resident's requests, a worker's tickets, a courtyard's open
tickets (overdue first), one ticket, and its photos and voice notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import (
    OPEN_STATUSES,
    Courtyard,
    Household,
    MediaKind,
    MediaStage,
    Ticket,
    TicketMedia,
    TicketStatus,
    User,
)
from services.access import Actor, require
from services.tickets import info
from services.tickets.info import TicketInfo
from services.tickets.permissions import OVERSEERS, WORKERS, require_view

LIST_LIMIT = 30
Assignee = aliased(User)
# the deadline that runs now, in SQL (see deadlines.current_due)
DUE = case(
    (Ticket.status == TicketStatus.NEW, Ticket.claim_due_at),
    (Ticket.status == TicketStatus.ON_HOLD, Ticket.hold_until),
    else_=Ticket.resolve_due_at,
)
# the time of the latest change a list shows as "since"
SINCE = (
    Ticket.cancelled_at,
    Ticket.closed_at,
    Ticket.resolved_at,
    Ticket.reopened_at,
    Ticket.held_at,
    Ticket.started_at,
    Ticket.claimed_at,
    Ticket.created_at,
)


@dataclass(frozen=True)
class TicketLine:
    id: int
    number: str
    category: str
    urgency: str
    status: str
    household: str
    place: str
    assignee: str | None
    created_at: datetime
    since: datetime
    due: datetime | None
    overdue: bool
    rated: bool
    resolved_at: datetime | None


def _lines_query() -> Select[Any]:
    return (
        select(
            Ticket.id,
            Ticket.number,
            Ticket.category,
            Ticket.urgency,
            Ticket.status,
            Household.building,
            Household.unit,
            Household.room,
            Ticket.place,
            Assignee.name,
            Ticket.rating,
            DUE.label("due"),
            *SINCE,
        )
        .join(Household, Household.id == Ticket.household_id)
        .outerjoin(Assignee, Assignee.id == Ticket.assignee_id)
    )


def _lines(rows: Any, now: datetime) -> list[TicketLine]:
    found = []
    for row in rows:
        (tid, number, category, urgency, status, building, unit, room, place, assignee,
         rating, due, *times) = row  # fmt: skip
        open_ = status in OPEN_STATUSES
        found.append(
            TicketLine(
                id=tid,
                number=number,
                category=category.value,
                urgency=urgency.value,
                status=status.value,
                household="-".join(p for p in (building, unit, room) if p),
                place=place,
                assignee=assignee,
                created_at=times[-1],
                since=max(t for t in times if t is not None),
                due=due if open_ else None,
                overdue=bool(open_ and due is not None and due <= now),
                rated=rating is not None,
                resolved_at=times[2],
            )
        )
    return found


async def my_requests(
    session: AsyncSession, actor: Actor, now: datetime, limit: int = 10
) -> list[TicketLine]:
    """The tickets of the resident's households: those needing something first, then newest."""
    if not actor.households:
        return []
    waiting = case((Ticket.status.in_([*OPEN_STATUSES, TicketStatus.RESOLVED]), 0), else_=1)
    rows = await session.execute(
        _lines_query()
        .where(Ticket.household_id.in_(list(actor.households)))
        .order_by(waiting, Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return _lines(rows.all(), now)


@dataclass(frozen=True)
class WorkList:
    mine: list[TicketLine]
    to_claim: list[TicketLine]


async def my_tickets(session: AsyncSession, actor: Actor, now: datetime) -> WorkList:
    """A worker's open tickets (soonest deadline first) and new ones waiting to be claimed."""
    require(actor, WORKERS)
    mine = await session.execute(
        _lines_query()
        .where(Ticket.assignee_id == actor.user_id, Ticket.status.in_(OPEN_STATUSES))
        .order_by(DUE, Ticket.id)
        .limit(LIST_LIMIT)
    )
    claimable = (
        _lines_query()
        .where(Ticket.status == TicketStatus.NEW)
        .order_by(Ticket.urgency.desc(), Ticket.created_at, Ticket.id)
        .limit(10)
    )
    courtyards = actor.courtyards_as(WORKERS)
    if courtyards is not None:
        claimable = claimable.where(Ticket.courtyard_id.in_(courtyards))
    return WorkList(_lines(mine.all(), now), _lines((await session.execute(claimable)).all(), now))


@dataclass(frozen=True)
class OpenTickets:
    courtyard: str
    counts: dict[str, int]  # TicketStatus value -> open tickets
    overdue: int
    lines: list[TicketLine]  # overdue first, then oldest first; at most LIST_LIMIT

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def open_tickets(
    session: AsyncSession, actor: Actor, courtyard_id: int, now: datetime
) -> OpenTickets:
    """A courtyard's open tickets for /tickets."""
    require(actor, OVERSEERS, courtyard_id)
    courtyard = await session.get(Courtyard, courtyard_id)
    assert courtyard is not None
    where = (Ticket.courtyard_id == courtyard_id, Ticket.status.in_(OPEN_STATUSES))
    late = case((now >= DUE, 1), else_=0)
    counted = await session.execute(
        select(Ticket.status, func.count(), func.sum(late)).where(*where).group_by(Ticket.status)
    )
    counts: dict[str, int] = {}
    overdue = 0
    for status, count, late_count in counted.tuples().all():
        counts[status.value] = int(count)
        overdue += int(late_count or 0)
    rows = await session.execute(
        _lines_query()
        .where(*where)
        .order_by(late.desc(), Ticket.created_at, Ticket.id)
        .limit(LIST_LIMIT)
    )
    return OpenTickets(courtyard.name, counts, overdue, _lines(rows.all(), now))


async def detail(session: AsyncSession, actor: Actor, ticket_id: int) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    require_view(actor, ticket.courtyard_id, ticket.household_id)
    return await info.describe(session, ticket)


async def find(session: AsyncSession, actor: Actor, number: str) -> TicketInfo:
    ticket = await info.by_number(session, number)
    require_view(actor, ticket.courtyard_id, ticket.household_id)
    return await info.describe(session, ticket)


@dataclass(frozen=True)
class MediaItem:
    kind: MediaKind
    stage: MediaStage
    file_id: str
    duration: int | None


async def media(session: AsyncSession, actor: Actor, ticket_id: int) -> list[MediaItem]:
    """Photos and voice notes, only for those allowed to see the ticket."""
    ticket = await info.get(session, ticket_id)
    require_view(actor, ticket.courtyard_id, ticket.household_id)
    rows = await session.execute(
        select(TicketMedia.kind, TicketMedia.stage, TicketMedia.file_id, TicketMedia.duration)
        .where(TicketMedia.ticket_id == ticket_id)
        .order_by(TicketMedia.id)
    )
    return [MediaItem(*row) for row in rows.tuples().all()]
