"""A household's fee account as a finance clerk sees it while recording or reversing a
payment: what is still open by month, its credit, and its payments with their reversals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    BillLine,
    Household,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentReversal,
)
from services.access import Actor, Role, require
from services.errors import NotFound
from services.fees.payments import credit

ACCOUNT_READERS = (Role.FINANCE,)
HISTORY_SHOWN = 10


@dataclass(frozen=True)
class OpenMonth:
    period: str
    open_fen: int  # still owed for the month


@dataclass(frozen=True)
class Dues:
    household_id: int
    courtyard_id: int
    label: str
    area_centi_m2: int
    parking_spaces: int
    months: tuple[OpenMonth, ...]  # oldest first
    credit_fen: int

    @property
    def total_fen(self) -> int:
        return sum(m.open_fen for m in self.months)


@dataclass(frozen=True)
class PaymentRow:
    receipt_number: str
    amount_fen: int
    method: PaymentMethod
    paid_on: date
    reference: str | None
    reversed_reason: str | None  # None: it counts


async def _household(session: AsyncSession, actor: Actor, household_id: int) -> Household:
    household = await session.get(Household, household_id)
    if household is None:
        raise NotFound()
    require(actor, ACCOUNT_READERS, household.courtyard_id)
    return household


async def dues(session: AsyncSession, actor: Actor, household_id: int) -> Dues:
    """What the household still owes, month by month (payments not reversed deducted)."""
    household = await _household(session, actor, household_id)
    paid_by_line = (  # the household's own money only, not a scan of every allocation
        select(PaymentAllocation.bill_line_id, func.sum(PaymentAllocation.amount_fen).label("paid"))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            Payment.household_id == household_id,
            ~exists().where(PaymentReversal.payment_id == Payment.id),
        )
        .group_by(PaymentAllocation.bill_line_id)
        .subquery()
    )
    still_open = func.sum(BillLine.amount_fen - func.coalesce(paid_by_line.c.paid, 0))
    rows = await session.execute(
        select(BillLine.period, still_open)
        .outerjoin(paid_by_line, paid_by_line.c.bill_line_id == BillLine.id)
        .where(BillLine.household_id == household_id)
        .group_by(BillLine.period)
        .having(still_open > 0)
        .order_by(BillLine.period)
    )
    months = tuple(OpenMonth(str(p), int(o)) for p, o in rows.tuples())
    return Dues(
        household.id,
        household.courtyard_id,
        household.label(),
        household.area_centi_m2,
        household.parking_spaces,
        months,
        await credit(session, household_id),
    )


async def payments_of(
    session: AsyncSession, actor: Actor, household_id: int, limit: int = HISTORY_SHOWN
) -> list[PaymentRow]:
    """The household's latest payments, newest first, reversed ones with their reason."""
    await _household(session, actor, household_id)
    rows = await session.execute(
        select(
            Payment.receipt_number,
            Payment.amount_fen,
            Payment.method,
            Payment.paid_on,
            Payment.reference,
            PaymentReversal.reason,
        )
        .outerjoin(PaymentReversal, PaymentReversal.payment_id == Payment.id)
        .where(Payment.household_id == household_id)
        .order_by(Payment.paid_on.desc(), Payment.id.desc())
        .limit(limit)
    )
    return [PaymentRow(*row) for row in rows.tuples()]


async def household_of_receipt(
    session: AsyncSession, actor: Actor, courtyard_id: int, receipt_number: str
) -> int:
    """The household a receipt belongs to (for finance of its courtyard)."""
    require(actor, ACCOUNT_READERS, courtyard_id)
    found = await session.scalar(
        select(Payment.household_id).where(
            Payment.courtyard_id == courtyard_id, Payment.receipt_number == receipt_number
        )
    )
    if found is None:
        raise NotFound()
    return int(found)
