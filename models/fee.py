"""Fees (物业费): plans, per-household adjustments, monthly bill lines, payments, their
allocations to bill lines, reversals, and the counter that numbers receipts per courtyard.

Units, all integers (never floats):
- money in fen (分): 12345 is ¥123.45;
- a plan's rate in 1/10000 ¥ per m² per month: 0.50 ¥/m² is 5000, 0.55 ¥/m² is 5500;
- area in hundredths of a square metre (as on the household): 8650 is 86.50 m²;
- an adjustment as the percentage of the fee charged: a vacant flat at 50% is 50, a hardship
  waiver (低保) is 0;
- a period is a month written 'YYYY-MM' (sorts as text).

A bill line's amount is (area × rate + spaces × parking fee × 10000) × percent, in units of
1/1_000_000 fen, rounded once to the fen by the plan's rule (see services.fees.bills).
Nothing here is edited after the fact: a plan is immutable (a new plan takes over from a later
period), a bill line freezes its inputs, a payment is corrected by a reversal row."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
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


class Rounding(enum.StrEnum):
    """How a bill line's exact amount becomes whole fen."""

    HALF_UP = "half_up"  # 四舍五入 (the default)
    DOWN = "down"  # 舍去
    UP = "up"  # 进一


class FeeItem(enum.StrEnum):
    """What a bill line charges for. The property fee line carries the parking part too."""

    PROPERTY = "property"  # 物业费 (area × rate) + 车位管理费 (spaces × fee)


class AdjustmentKind(enum.StrEnum):
    VACANT = "vacant"  # 空置房: a percentage of the fee
    HARDSHIP = "hardship"  # 低保 and similar: waived (0%)
    OTHER = "other"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"


class FeePlan(Base):
    """A courtyard's fee plan from a period on, until a plan with a later `from_period`.

    `rate_per_m2` is in 1/10000 ¥ per m² per month (0.50 ¥ → 5000); `parking_fee_fen` is per
    space per month in fen. Never edited once created."""

    __tablename__ = "fee_plans"
    __table_args__ = (
        UniqueConstraint("courtyard_id", "from_period"),
        CheckConstraint("rate_per_m2 >= 0", name="rate_not_negative"),
        CheckConstraint("parking_fee_fen >= 0", name="parking_fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    rate_per_m2: Mapped[int]  # 1/10000 ¥ per m² per month
    parking_fee_fen: Mapped[int]  # fen per parking space per month
    from_period: Mapped[str] = mapped_column(String(7))  # 'YYYY-MM'
    rounding: Mapped[Rounding] = mapped_column(_enum(Rounding), default=Rounding.HALF_UP)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))


class FeeAdjustment(Base):
    """A household pays `percent` % of its fee from `from_period` to `to_period` (inclusive;
    open-ended when empty). When several cover a period, the newest applies."""

    __tablename__ = "fee_adjustments"
    __table_args__ = (
        Index("ix_fee_adjustments_household", "household_id", "from_period"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    kind: Mapped[AdjustmentKind] = mapped_column(_enum(AdjustmentKind))
    percent: Mapped[int]
    reason: Mapped[str] = mapped_column(String(300))
    from_period: Mapped[str] = mapped_column(String(7))
    to_period: Mapped[str | None] = mapped_column(String(7))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))


class BillLine(Base):
    """One household's charge for one fee item and period, with every input frozen on it."""

    __tablename__ = "bill_lines"
    __table_args__ = (
        UniqueConstraint("household_id", "item", "period"),
        Index("ix_bill_lines_courtyard_period", "courtyard_id", "period"),
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    item: Mapped[FeeItem] = mapped_column(_enum(FeeItem))
    period: Mapped[str] = mapped_column(String(7))
    plan_id: Mapped[int] = mapped_column(ForeignKey("fee_plans.id"))
    # frozen inputs
    area_centi_m2: Mapped[int]
    rate_per_m2: Mapped[int]  # 1/10000 ¥ per m² per month
    parking_spaces: Mapped[int]
    parking_fee_fen: Mapped[int]
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("fee_adjustments.id"))
    adjustment_percent: Mapped[int]  # 100 without an adjustment
    rounding: Mapped[Rounding] = mapped_column(_enum(Rounding))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime]


class Payment(Base):
    """Money received for a household. Corrected by a `PaymentReversal`, never edited."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("courtyard_id", "receipt_seq"),
        # several payments without a reference are fine: NULLs are distinct in both stores
        UniqueConstraint("courtyard_id", "reference"),
        Index("ix_payments_household", "household_id", "paid_on"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    receipt_seq: Mapped[int]
    receipt_number: Mapped[str] = mapped_column(String(24), unique=True)  # "WSL-R000001"
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))


class PaymentAllocation(Base):
    """Part of a payment settling a bill line. What is not allocated is the household's credit."""

    __tablename__ = "payment_allocations"
    __table_args__ = (
        UniqueConstraint("payment_id", "bill_line_id"),
        Index("ix_payment_allocations_line", "bill_line_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"))
    bill_line_id: Mapped[int] = mapped_column(ForeignKey("bill_lines.id", ondelete="CASCADE"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    allocated_at: Mapped[datetime]


class PaymentReversal(Base):
    """A payment taken back (entered by mistake, a bounced transfer): its allocations stop
    counting and the bill lines it settled are open again."""

    __tablename__ = "payment_reversals"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), unique=True
    )
    reason: Mapped[str] = mapped_column(String(300))
    reversed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reversed_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))


class ReceiptCounter(Base):
    """The last receipt number of a courtyard, bumped with one atomic UPDATE
    (services.numbering)."""

    __tablename__ = "receipt_counters"

    courtyard_id: Mapped[int] = mapped_column(
        ForeignKey("courtyards.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    last: Mapped[int] = mapped_column(default=0)
