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
    TicketCategory,
    TicketMedia,
    TicketStatus,
    Urgency,
    User,
)
from services.access import Actor, require
from services.tickets import info
from services.tickets.info import TicketInfo
from services.tickets.permissions import OVERSEERS, WORKERS, require_view

PAGE_SIZE = 8  # tickets on one page of a list; ◀ ▶ turn the pages
CLAIMABLE_LIMIT = 10
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
class Page:
    """Which page of a list: `number` from 0, of `total` items in pages of PAGE_SIZE."""

    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number + 1 < self.count


def _page(requested: int, total: int) -> Page:
    """A page that exists: past the end (the list got shorter), the last one."""
    last = max(0, -(-total // PAGE_SIZE) - 1)
    return Page(min(max(requested, 0), last), total)


@dataclass(frozen=True)
class TicketLine:
    id: int
    number: str
    category: TicketCategory
    urgency: Urgency
    status: TicketStatus
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
                category=category,
                urgency=urgency,
                status=status,
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


@dataclass(frozen=True)
class Requests:
    lines: list[TicketLine]
    page: Page


async def my_requests(
    session: AsyncSession, actor: Actor, now: datetime, page: int = 0
) -> Requests:
    """The tickets of the resident's households: those needing something first, then newest."""
    if not actor.households:
        return Requests([], _page(0, 0))
    where = Ticket.household_id.in_(list(actor.households))
    found = _page(page, await _count(session, where))
    waiting = case((Ticket.status.in_([*OPEN_STATUSES, TicketStatus.RESOLVED]), 0), else_=1)
    rows = await session.execute(
        _lines_query()
        .where(where)
        .order_by(waiting, Ticket.created_at.desc(), Ticket.id.desc())
        .offset(found.number * found.size)
        .limit(found.size)
    )
    return Requests(_lines(rows.all(), now), found)


async def _count(session: AsyncSession, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0)


@dataclass(frozen=True)
class WorkList:
    mine: list[TicketLine]  # one page of them
    to_claim: list[TicketLine]  # on the first page only
    page: Page


async def my_tickets(session: AsyncSession, actor: Actor, now: datetime, page: int = 0) -> WorkList:
    """A worker's open tickets (soonest deadline first) and new ones waiting to be claimed."""
    require(actor, WORKERS)
    where = (Ticket.assignee_id == actor.user_id, Ticket.status.in_(OPEN_STATUSES))
    found = _page(page, await _count(session, *where))
    mine = await session.execute(
        _lines_query()
        .where(*where)
        .order_by(DUE, Ticket.id)
        .offset(found.number * found.size)
        .limit(found.size)
    )
    if found.number:
        return WorkList(_lines(mine.all(), now), [], found)
    claimable = (
        _lines_query()
        .where(Ticket.status == TicketStatus.NEW)
        .order_by(Ticket.urgency.desc(), Ticket.created_at, Ticket.id)
        .limit(CLAIMABLE_LIMIT)
    )
    courtyards = actor.courtyards_as(WORKERS)
    if courtyards is not None:
        claimable = claimable.where(Ticket.courtyard_id.in_(courtyards))
    to_claim = _lines((await session.execute(claimable)).all(), now)
    return WorkList(_lines(mine.all(), now), to_claim, found)


@dataclass(frozen=True)
class OpenTickets:
    courtyard_id: int
    courtyard: str
    counts: dict[TicketStatus, int]  # open tickets by state
    overdue: int
    lines: list[TicketLine]  # one page: overdue first, then oldest first
    page: Page

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def open_tickets(
    session: AsyncSession, actor: Actor, courtyard_id: int, now: datetime, page: int = 0
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
    counts: dict[TicketStatus, int] = {}
    overdue = 0
    for status, count, late_count in counted.tuples().all():
        counts[status] = int(count)
        overdue += int(late_count or 0)
    found = _page(page, sum(counts.values()))
    rows = await session.execute(
        _lines_query()
        .where(*where)
        .order_by(late.desc(), Ticket.created_at, Ticket.id)
        .offset(found.number * found.size)
        .limit(found.size)
    )
    return OpenTickets(
        courtyard.id, courtyard.name, counts, overdue, _lines(rows.all(), now), found
    )


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
