"""Repair tickets (工单): the ticket, its photos and voice notes, per-courtyard deadlines,
and the counter that numbers tickets within a courtyard."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class TicketCategory(enum.StrEnum):
    ELEVATOR = "elevator"
    WATER = "water"
    ELECTRICITY = "electricity"
    DOORS = "doors"
    CLEANING = "cleaning"
    SECURITY = "security"
    FACILITIES = "facilities"
    OTHER = "other"


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"  # no water, no power, someone trapped


class Location(enum.StrEnum):
    HOME = "home"
    COMMON = "common"


class TicketStatus(enum.StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    REOPENED = "reopened"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# someone still has to act: the team (new), the worker (the rest)
OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.CLAIMED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.ON_HOLD,
    TicketStatus.REOPENED,
)
# a worker has it and the resolve deadline runs
WORKING_STATUSES = (TicketStatus.CLAIMED, TicketStatus.IN_PROGRESS, TicketStatus.REOPENED)


class MediaKind(enum.StrEnum):
    PHOTO = "photo"
    VOICE = "voice"


class MediaStage(enum.StrEnum):
    REPORT = "report"  # sent by the reporter
    AFTER = "after"  # the worker's photo of the fix


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("courtyard_id", "seq"),
        Index("ix_tickets_courtyard_status", "courtyard_id", "status", "created_at"),
        Index("ix_tickets_courtyard_created", "courtyard_id", "created_at"),
        Index("ix_tickets_household_created", "household_id", "created_at"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_next_alert", "next_alert_at"),
        Index("ix_tickets_status_resolved", "status", "resolved_at"),
        # /stats reads each median along one of these, already in order (see services.stats)
        Index("ix_tickets_claim_order", "courtyard_id", "category", "claim_seconds", "created_at"),
        Index(
            "ix_tickets_resolve_order", "courtyard_id", "category", "resolve_seconds", "created_at"
        ),
        Index("ix_tickets_claim_order_all", "courtyard_id", "claim_seconds", "created_at"),
        Index("ix_tickets_resolve_order_all", "courtyard_id", "resolve_seconds", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(20), unique=True)  # "WSL-0007"
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # filed by customer service or a grid leader for a neighbour who phoned or came by
    on_behalf: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[str] = mapped_column(String(20), default="telegram")

    category: Mapped[TicketCategory] = mapped_column(_enum(TicketCategory))
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency))
    description: Mapped[str | None] = mapped_column(Text)  # empty when told by voice
    location: Mapped[Location] = mapped_column(_enum(Location))
    place: Mapped[str] = mapped_column(String(60), default="")

    status: Mapped[TicketStatus] = mapped_column(_enum(TicketStatus), default=TicketStatus.NEW)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=0)  # +1 on every change

    created_at: Mapped[datetime]
    claim_window_minutes: Mapped[int]
    resolve_window_minutes: Mapped[int]
    claim_due_at: Mapped[datetime]
    resolve_due_at: Mapped[datetime]  # moved by a hold (clock stops) and by a reopen
    claimed_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    held_at: Mapped[datetime | None]
    hold_until: Mapped[datetime | None]  # end of the expected day
    hold_reason: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None]
    resolution_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    reopen_count: Mapped[int] = mapped_column(default=0)

    # kept at the first claim and first resolution so /stats is plain integer SQL
    claim_seconds: Mapped[int | None]
    resolve_seconds: Mapped[int | None]
    resolved_in_time: Mapped[bool | None]

    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(String(300))
    rated_at: Mapped[datetime | None]

    # deadline reminders and escalations: when the sweep should look again, and which
    # round of deadlines (a reopen or a hold starts a new one) the dedupe keys belong to
    next_alert_at: Mapped[datetime | None]
    alert_round: Mapped[int] = mapped_column(default=0)

    # every UPDATE says "WHERE version = <as read>": a change made meanwhile by someone else
    # (a claim racing a cancel) fails instead of being overwritten; the rules bump it
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class TicketMedia(Base):
    """A photo or voice note, kept by Telegram file id; shown only to those allowed."""

    __tablename__ = "ticket_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MediaKind] = mapped_column(_enum(MediaKind))
    stage: Mapped[MediaStage] = mapped_column(_enum(MediaStage))
    file_id: Mapped[str] = mapped_column(String(200))
    duration: Mapped[int | None]  # seconds, for voice
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime]


ALL_CATEGORIES = "*"


class TicketDeadline(Base):
    """A courtyard's time to claim and to resolve; category '*' applies to all categories."""

    __tablename__ = "ticket_deadlines"
    __table_args__ = (UniqueConstraint("courtyard_id", "category", "urgency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(20))  # a TicketCategory value or '*'
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency))
    claim_minutes: Mapped[int]
    resolve_minutes: Mapped[int]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]


class TicketCounter(Base):
    """The last ticket number of a courtyard, bumped with one atomic UPDATE."""

    __tablename__ = "ticket_counters"

    courtyard_id: Mapped[int] = mapped_column(
        ForeignKey("courtyards.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    last: Mapped[int] = mapped_column(default=0)
