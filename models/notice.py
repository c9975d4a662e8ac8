"""Notices (通知公告): what a grid leader or the service center tells the households of a
courtyard (or some of its buildings or units), who acknowledged it, and where it went.

One row per courtyard: an admin's notice to several courtyards is several rows sharing a
`batch`. Scope, acknowledgements, the told-in-person list and "my notices" are all per
courtyard, so each courtyard's grid leader sees their own row and its own counts."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class NoticeStatus(enum.StrEnum):
    DRAFT = "draft"  # composed, previewed, not yet sent
    SCHEDULED = "scheduled"  # outbox rows written; waits for its time (at least the grace)
    SENT = "sent"  # gone out: never edited again
    CANCELLED = "cancelled"  # withdrawn before it went out, or a draft dropped


class NoticeScopeKind(enum.StrEnum):
    COURTYARD = "courtyard"
    BUILDINGS = "buildings"
    UNITS = "units"


class AttachmentKind(enum.StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"  # a PDF


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_courtyard_status", "courtyard_id", "status", "goes_out_at"),
        Index("ix_notices_author_created", "author_id", "created_at"),
        Index("ix_notices_status_goes_out", "status", "goes_out_at"),
        Index("ix_notices_status_deadline", "status", "ack_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    # the rows of one notice sent to several courtyards at once share this
    batch: Mapped[str] = mapped_column(String(32), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20), default="telegram")
    text: Mapped[str] = mapped_column(Text)
    attachment_kind: Mapped[AttachmentKind | None] = mapped_column(_enum(AttachmentKind))
    attachment_file_id: Mapped[str | None] = mapped_column(String(200))
    scope_kind: Mapped[NoticeScopeKind] = mapped_column(_enum(NoticeScopeKind))
    urgent: Mapped[bool] = mapped_column(default=False)
    send_at: Mapped[datetime | None]  # the time chosen by the author; None: at once
    needs_ack: Mapped[bool] = mapped_column(default=False)
    ack_deadline: Mapped[datetime | None]
    corrects_notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("notices.id", ondelete="SET NULL")
    )
    status: Mapped[NoticeStatus] = mapped_column(_enum(NoticeStatus), default=NoticeStatus.DRAFT)
    created_at: Mapped[datetime]
    # when its messages go out: the grace, the chosen time, and (normal ones) the quiet hours
    goes_out_at: Mapped[datetime | None]
    scheduled_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # outbox rows written when it was scheduled (people in private; group posts)
    private_rows: Mapped[int] = mapped_column(default=0)
    group_rows: Mapped[int] = mapped_column(default=0)
    households: Mapped[int] = mapped_column(default=0)  # in scope when it was scheduled
    reminded_at: Mapped[datetime | None]  # the one reminder to those who did not acknowledge
    deadline_told_at: Mapped[datetime | None]  # the author was told the deadline passed
    # households nobody reaches were put on the grid leader's visit list (at going out, and
    # once more an hour later for those found blocked while it was delivered)
    visits_listed_at: Mapped[datetime | None]


class NoticePlace(Base):
    """A building (unit empty) or a unit of a notice's scope; none: the whole courtyard."""

    __tablename__ = "notice_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    building: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str | None] = mapped_column(String(40))  # None: the whole building


class NoticeAck(Base):
    """✅ 收到: one per person and notice; counted per household (any member's counts)."""

    __tablename__ = "notice_acks"
    __table_args__ = (UniqueConstraint("notice_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))  # private, group
