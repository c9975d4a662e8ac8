"""Fee reminders (催缴): a courtyard's stage settings, one row per reminder sent to a household
for a period and stage (with its outcome and the resident's answer), and the pauses a dispute
puts on a household's reminders for a period.

A reminder is written at most once per household, period and stage: its `dedupe_key`
('fee-reminder:<household>:<period>:<stage>') is unique. What it says is frozen on it (owed for
the period, owed in all, the months, the deadline of a formal notice)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class ReminderStage(enum.StrEnum):
    """The stages in order, each at most once per household and period."""

    NOTICE = "notice"  # 缴费通知: the bill when issued
    FRIENDLY = "friendly"  # 温馨提醒: mid-month, to those still owing
    OVERDUE = "overdue"  # 逾期提醒: after the month's end
    VISIT = "visit"  # 上门: on the grid leader's visit list
    FORMAL = "formal"  # 书面催告: a printable notice with a deadline


class ReminderOutcome(enum.StrEnum):
    QUEUED = "queued"  # in the outbox, not yet sent
    SENT = "sent"  # reached at least one member
    FAILED = "failed"  # every message failed (the error is on the outbox rows)
    BLOCKED = "blocked"  # every member blocked the bot
    UNREACHABLE = "unreachable"  # nobody on Telegram: on the grid leader's visit list
    LISTED = "listed"  # the visit stage: on the grid leader's visit list


class ReminderAnswer(enum.StrEnum):
    FORGOT = "forgot"  # 忘记了
    HARDSHIP = "hardship"  # 有困难
    DISPUTE = "dispute"  # 对服务有异议
    MOVED = "moved"  # 已搬走
    OTHER = "other"  # 其他


class FeeReminderSetting(Base):
    """A courtyard's choice for one stage; a stage without a row uses the defaults
    (services.fees.reminder_settings.DEFAULTS)."""

    __tablename__ = "fee_reminder_settings"

    courtyard_id: Mapped[int] = mapped_column(
        ForeignKey("courtyards.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[ReminderStage] = mapped_column(_enum(ReminderStage), primary_key=True)
    enabled: Mapped[bool]
    months_after: Mapped[int]  # months after the billed period: 0 is the period itself
    day: Mapped[int]  # local day of that month from which the stage is due
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]


class FeeReminder(Base):
    """One reminder of one stage to one household for one period, and what became of it."""

    __tablename__ = "fee_reminders"
    __table_args__ = (
        UniqueConstraint("household_id", "period", "stage"),
        Index("ix_fee_reminders_courtyard_period", "courtyard_id", "period", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    stage: Mapped[ReminderStage] = mapped_column(_enum(ReminderStage))
    channel: Mapped[str] = mapped_column(String(20))  # telegram, visit
    outcome: Mapped[ReminderOutcome] = mapped_column(_enum(ReminderOutcome))
    # frozen: what the reminder said
    owed_fen: Mapped[int] = mapped_column(BigInteger)  # still owed for the period
    total_owed_fen: Mapped[int] = mapped_column(BigInteger)  # owed for every open month
    months: Mapped[list[str]] = mapped_column(JSON)  # the open months, oldest first
    deadline: Mapped[date | None] = mapped_column(Date)  # a formal notice's deadline
    created_at: Mapped[datetime]
    outcome_at: Mapped[datetime]
    # the resident's answer
    answer: Mapped[ReminderAnswer | None] = mapped_column(_enum(ReminderAnswer))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]


class FeeReminderPause(Base):
    """A household disputes the service: its reminders for the period (and the later stages)
    wait until finance lifts the pause."""

    __tablename__ = "fee_reminder_pauses"
    __table_args__ = (UniqueConstraint("household_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("fee_reminders.id", ondelete="SET NULL")
    )
    paused_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paused_at: Mapped[datetime]
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
