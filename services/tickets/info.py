"""A ticket as views see it: one plain record, also carried in outbox messages
(services/tickets/messages.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Courtyard,
    Household,
    Location,
    MediaKind,
    MediaStage,
    Ticket,
    TicketCategory,
    TicketMedia,
    TicketStatus,
    Urgency,
    User,
)
from services.errors import NotFound


@dataclass(frozen=True)
class TicketInfo:
    id: int
    number: str
    courtyard_id: int
    courtyard: str
    household_id: int
    household: str
    category: TicketCategory
    urgency: Urgency
    description: str | None
    location: Location
    place: str
    status: TicketStatus
    reporter_id: int
    reporter: str
    on_behalf: bool
    channel: str
    assignee_id: int | None
    assignee: str | None
    created_at: datetime
    claim_due_at: datetime
    resolve_due_at: datetime
    claimed_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    hold_reason: str | None
    hold_until: datetime | None
    resolution_note: str | None
    rating: int | None
    rating_comment: str | None
    photos: int
    voice: bool
    after_photo: str | None  # a file id, only put in payloads for people allowed to see it
    version: int

    def without_after_photo(self) -> TicketInfo:
        return replace(self, after_photo=None) if self.after_photo is not None else self


async def get(session: AsyncSession, ticket_id: int) -> Ticket:
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound()
    return ticket


async def by_number(session: AsyncSession, number: str) -> Ticket:
    ticket = await session.scalar(select(Ticket).where(Ticket.number == number.strip().upper()))
    if ticket is None:
        raise NotFound()
    return ticket


async def describe(session: AsyncSession, ticket: Ticket) -> TicketInfo:
    courtyard = await session.get(Courtyard, ticket.courtyard_id)
    home = await session.get(Household, ticket.household_id)
    reporter = await session.get(User, ticket.reporter_id)
    assignee = await session.get(User, ticket.assignee_id) if ticket.assignee_id else None
    assert courtyard is not None
    assert home is not None
    assert reporter is not None
    counts = dict(
        (
            await session.execute(
                select(TicketMedia.kind, func.count())
                .where(TicketMedia.ticket_id == ticket.id, TicketMedia.stage == MediaStage.REPORT)
                .group_by(TicketMedia.kind)
            )
        )
        .tuples()
        .all()
    )
    after_photo = await session.scalar(
        select(TicketMedia.file_id)
        .where(
            TicketMedia.ticket_id == ticket.id,
            TicketMedia.stage == MediaStage.AFTER,
            TicketMedia.kind == MediaKind.PHOTO,
        )
        .order_by(TicketMedia.id.desc())
        .limit(1)
    )
    return TicketInfo(
        id=ticket.id,
        number=ticket.number,
        courtyard_id=courtyard.id,
        courtyard=courtyard.name,
        household_id=home.id,
        household=home.label(),
        category=ticket.category,
        urgency=ticket.urgency,
        description=ticket.description,
        location=ticket.location,
        place=ticket.place,
        status=ticket.status,
        reporter_id=reporter.id,
        reporter=reporter.name,
        on_behalf=ticket.on_behalf,
        channel=ticket.channel,
        assignee_id=assignee.id if assignee else None,
        assignee=assignee.name if assignee else None,
        created_at=ticket.created_at,
        claim_due_at=ticket.claim_due_at,
        resolve_due_at=ticket.resolve_due_at,
        claimed_at=ticket.claimed_at,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
        hold_reason=ticket.hold_reason,
        hold_until=ticket.hold_until,
        resolution_note=ticket.resolution_note,
        rating=ticket.rating,
        rating_comment=ticket.rating_comment,
        photos=int(counts.get(MediaKind.PHOTO, 0)),
        voice=bool(counts.get(MediaKind.VOICE, 0)),
        after_photo=after_photo,
        version=ticket.version,
    )
