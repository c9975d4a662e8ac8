"""💰 My bills: what a household owes and why, read as one DTO in a handful of index-backed
queries (bill lines by household, their settled amounts, the payments' sum), so three years of
history stays fast; past payments come a page at a time.

Residents see only the households they belong to; finance, supervisors and admins of the
courtyard may read any of its households."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AdjustmentKind,
    BillLine,
    Courtyard,
    FeeAdjustment,
    Household,
    Payment,
    PaymentAllocation,
    PaymentInstructions,
    PaymentMethod,
    PaymentReversal,
)
from services.access import Actor, Role
from services.errors import NotFound
from services.fees import periods
from services.fees.errors import NotYourBill
from services.fees.money import RATE_SCALE

# staff who may read any household's statement in their courtyard
STAFF_READERS = (Role.FINANCE, Role.SUPERVISOR, Role.ADMIN)
PAGE = 8  # past payments per page


@dataclass(frozen=True)
class Home:
    household_id: int
    courtyard: str
    label: str


@dataclass(frozen=True)
class Line:
    """One month's bill line with its frozen inputs and what has been paid on it."""

    id: int
    period: str
    area_centi_m2: int
    rate_per_m2: int  # 1/10000 ¥ per m² per month
    parking_spaces: int
    parking_fee_fen: int
    adjustment_percent: int  # 100 without an adjustment
    adjustment_kind: AdjustmentKind | None
    adjustment_reason: str | None
    amount_fen: int
    paid_fen: int

    @property
    def open_fen(self) -> int:
        return self.amount_fen - self.paid_fen

    @property
    def area_yuan(self) -> Decimal:
        """area × rate, exact (before the adjustment and the rounding)."""
        return Decimal(self.area_centi_m2 * self.rate_per_m2) / (100 * RATE_SCALE)

    @property
    def parking_fen(self) -> int:
        return self.parking_spaces * self.parking_fee_fen


@dataclass(frozen=True)
class Statement:
    household_id: int
    courtyard_id: int
    courtyard: str
    label: str
    current: Line | None  # this month's line (else the newest one billed)
    arrears: tuple[Line, ...]  # other months still open, oldest first
    owed_fen: int  # everything still open
    credit_fen: int  # paid and not yet settling any line
    payments: int  # past payments (reversed ones included)
    has_instructions: bool


@dataclass(frozen=True)
class PaymentRow:
    id: int
    receipt_number: str
    method: PaymentMethod
    amount_fen: int
    paid_on: date
    reversed: bool


@dataclass(frozen=True)
class History:
    household_id: int
    label: str
    rows: tuple[PaymentRow, ...]
    page: int
    pages: int
    total: int


def _reversed() -> ColumnElement[bool]:
    return exists().where(PaymentReversal.payment_id == Payment.id)


async def homes(session: AsyncSession, actor: Actor) -> list[Home]:
    """The approved households of a resident, in a stable order."""
    if not actor.households:
        return []
    rows = await session.execute(
        select(Household, Courtyard.name)
        .join(Courtyard, Courtyard.id == Household.courtyard_id)
        .where(Household.id.in_(list(actor.households)))
        .order_by(Courtyard.name, Household.building, Household.unit, Household.room)
    )
    return [Home(h.id, name, h.label()) for h, name in rows.tuples().all()]


def may_read(actor: Actor, household_id: int, courtyard_id: int) -> bool:
    if actor.households.get(household_id) == courtyard_id:
        return True
    return actor.has_any(STAFF_READERS, courtyard_id)


async def readable_household(
    session: AsyncSession, actor: Actor, household_id: int
) -> tuple[Household, str, bool]:
    # someone neither of the household nor staff is refused before anything is read
    if household_id not in actor.households and not any(
        g.role in STAFF_READERS for g in actor.grants
    ):
        raise NotYourBill()
    row = (
        await session.execute(
            select(Household, Courtyard.name, PaymentInstructions.courtyard_id)
            .join(Courtyard, Courtyard.id == Household.courtyard_id)
            .outerjoin(
                PaymentInstructions, PaymentInstructions.courtyard_id == Household.courtyard_id
            )
            .where(Household.id == household_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    household, courtyard, instructions = row
    if not may_read(actor, household_id, household.courtyard_id):
        raise NotYourBill()
    return household, courtyard, instructions is not None


async def settled_by_line(session: AsyncSession, household_id: int) -> dict[int, int]:
    """What the household's payments (not reversed) settle on each of its lines."""
    rows = await session.execute(
        select(PaymentAllocation.bill_line_id, func.sum(PaymentAllocation.amount_fen))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.household_id == household_id, ~_reversed())
        .group_by(PaymentAllocation.bill_line_id)
    )
    return {int(line): int(paid) for line, paid in rows.tuples()}


async def _received(session: AsyncSession, household_id: int) -> tuple[int, int]:
    """(payments ever recorded, fen received by the ones not reversed) of the household."""
    kept = case((PaymentReversal.id.is_(None), Payment.amount_fen), else_=0)
    count, received = (
        await session.execute(
            select(func.count(Payment.id), func.coalesce(func.sum(kept), 0))
            .outerjoin(PaymentReversal, PaymentReversal.payment_id == Payment.id)
            .where(Payment.household_id == household_id)
        )
    ).one()
    return int(count), int(received)


async def _lines(session: AsyncSession, household_id: int, paid: dict[int, int]) -> list[Line]:
    rows = await session.execute(
        select(BillLine, FeeAdjustment.kind, FeeAdjustment.reason)
        .outerjoin(FeeAdjustment, FeeAdjustment.id == BillLine.adjustment_id)
        .where(BillLine.household_id == household_id)
        .order_by(BillLine.period, BillLine.id)
    )
    return [
        Line(
            id=line.id,
            period=line.period,
            area_centi_m2=line.area_centi_m2,
            rate_per_m2=line.rate_per_m2,
            parking_spaces=line.parking_spaces,
            parking_fee_fen=line.parking_fee_fen,
            adjustment_percent=line.adjustment_percent,
            adjustment_kind=kind,
            adjustment_reason=reason,
            amount_fen=line.amount_fen,
            paid_fen=paid.get(line.id, 0),
        )
        for line, kind, reason in rows.tuples()
    ]


async def open_total(session: AsyncSession, household_id: int) -> int:
    """Everything the household still owes (the receipts' "still due")."""
    paid = await settled_by_line(session, household_id)
    billed = await session.scalar(
        select(func.coalesce(func.sum(BillLine.amount_fen), 0)).where(
            BillLine.household_id == household_id
        )
    )
    return int(billed or 0) - sum(paid.values())


async def statement(
    session: AsyncSession, actor: Actor, household_id: int, *, today: date
) -> Statement:
    """The household's bill as of the local day `today`."""
    household, courtyard, has_instructions = await readable_household(session, actor, household_id)
    paid = await settled_by_line(session, household_id)
    lines = await _lines(session, household_id, paid)
    count, received = await _received(session, household_id)
    month = periods.of(today)
    billed_so_far = [line for line in lines if line.period <= month]
    shown = billed_so_far or lines
    current = shown[-1] if shown else None
    arrears = tuple(line for line in lines if line.open_fen > 0 and line is not current)
    return Statement(
        household_id=household.id,
        courtyard_id=household.courtyard_id,
        courtyard=courtyard,
        label=household.label(),
        current=current,
        arrears=arrears,
        owed_fen=sum(line.open_fen for line in lines),
        credit_fen=received - sum(paid.values()),
        payments=count,
        has_instructions=has_instructions,
    )


async def history(session: AsyncSession, actor: Actor, household_id: int, page: int = 0) -> History:
    """Past payments of the household, newest first, a page at a time."""
    household, _courtyard, _instructions = await readable_household(session, actor, household_id)
    total = int(
        await session.scalar(
            select(func.count(Payment.id)).where(Payment.household_id == household_id)
        )
        or 0
    )
    pages = max(1, -(-total // PAGE))
    page = min(max(page, 0), pages - 1)
    rows = await session.execute(
        select(
            Payment.id,
            Payment.receipt_number,
            Payment.method,
            Payment.amount_fen,
            Payment.paid_on,
            PaymentReversal.id.is_not(None),
        )
        .outerjoin(PaymentReversal, PaymentReversal.payment_id == Payment.id)
        .where(Payment.household_id == household_id)
        .order_by(Payment.paid_on.desc(), Payment.id.desc())
        .limit(PAGE)
        .offset(page * PAGE)
    )
    return History(
        household_id=household.id,
        label=household.label(),
        rows=tuple(PaymentRow(*row) for row in rows.tuples()),
        page=page,
        pages=pages,
        total=total,
    )
