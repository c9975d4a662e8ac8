"""Events with sign-up (活动报名): a gathering such as the elderly's bus-card renewal, its time
slots with a capacity each, and the sign-ups (a place, or a place in a slot's waiting list).

Named `Gathering` (not "event"): `models.event.Event` is the audit log of state changes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class GatheringStatus(enum.StrEnum):
    OPEN = "open"  # taking sign-ups
    CLOSED = "closed"  # no more sign-ups; the list stands
    CANCELLED = "cancelled"


class SignupStatus(enum.StrEnum):
    BOOKED = "booked"  # has a place in the slot
    WAITING = "waiting"  # in the slot's waiting list, promoted in order
    CANCELLED = "cancelled"


# a person has at most one sign-up per gathering that is not cancelled
ACTIVE_SIGNUP = "status IN ('booked', 'waiting')"


class Gathering(Base):
    __tablename__ = "gatherings"
    __table_args__ = (Index("ix_gatherings_courtyard_starts", "courtyard_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    # the scope (services.audiences.Scope): no buildings and no units is the whole courtyard
    buildings: Mapped[list[str]] = mapped_column(JSON, default=list)
    units: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    organizer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # a notice that carries this gathering (the notices feature links them)
    notice_id: Mapped[int | None]
    status: Mapped[GatheringStatus] = mapped_column(
        _enum(GatheringStatus), default=GatheringStatus.OPEN
    )
    starts_at: Mapped[datetime]  # the first slot's start
    ends_at: Mapped[datetime]  # the last slot's end
    created_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20), default="telegram")


class GatheringSlot(Base):
    """A time slot with its capacity. `taken` is moved only by one conditional UPDATE
    (taken < capacity), so no concurrency can overfill it; `queued` numbers the waiting list."""

    __tablename__ = "gathering_slots"
    __table_args__ = (
        UniqueConstraint("gathering_id", "starts_at"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gathering_id: Mapped[int] = mapped_column(
        ForeignKey("gatherings.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    queued: Mapped[int] = mapped_column(default=0)  # the last waiting-list number given


class Signup(Base):
    """One person's sign-up (per PERSON, by name: a grid leader signs up an offline neighbour
    by picking her household and her name)."""

    __tablename__ = "signups"
    __table_args__ = (
        Index(
            "uq_signups_active_person",
            "gathering_id",
            "user_id",
            unique=True,
            sqlite_where=text(ACTIVE_SIGNUP),
            postgresql_where=text(ACTIVE_SIGNUP),
        ),
        Index("ix_signups_slot_status", "slot_id", "status", "queue_no"),
        Index("ix_signups_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gathering_id: Mapped[int] = mapped_column(ForeignKey("gatherings.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("gathering_slots.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL")
    )
    signed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the person, or a leader
    status: Mapped[SignupStatus] = mapped_column(_enum(SignupStatus))
    queue_no: Mapped[int | None]  # order in the waiting list (kept after promotion)
    created_at: Mapped[datetime]
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checked_in_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20), default="telegram")
