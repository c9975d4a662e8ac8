"""What residents see to pay and what they report having paid: a courtyard's payment
instructions (set by finance; not money, so simply updated), and a resident's payment claim
("I have paid", with a transfer screenshot) waiting for finance to confirm or reject it.

A claim is decided once: the decision is a conditional UPDATE on its status (pending → confirmed
or rejected), so two clerks tapping at the same moment cannot both decide it. A confirmed claim
links the payment it became (services.fees.payments.record)."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.fee import PaymentMethod


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class ClaimStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class PaymentInstructions(Base):
    """How to pay in one courtyard: free text (bank account, office hours and place) and an
    optional WeChat/Alipay QR image kept as its Telegram file id."""

    __tablename__ = "payment_instructions"

    courtyard_id: Mapped[int] = mapped_column(
        ForeignKey("courtyards.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    details: Mapped[str | None] = mapped_column(Text)
    qr_file_id: Mapped[str | None] = mapped_column(String(200))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]


class PaymentClaim(Base):
    """A resident says a household has paid: the amount, optionally the method, a screenshot."""

    __tablename__ = "payment_claims"
    __table_args__ = (
        Index("ix_payment_claims_courtyard_status", "courtyard_id", "status"),
        Index("ix_payment_claims_household", "household_id", "created_at"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    claimant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[PaymentMethod | None] = mapped_column(_enum(PaymentMethod))
    paid_on: Mapped[date] = mapped_column(Date)  # the local day the resident reported it
    photo_file_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[ClaimStatus] = mapped_column(_enum(ClaimStatus), default=ClaimStatus.PENDING)
    created_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(String(300))  # why it was rejected
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="SET NULL"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(20))
