"""Who still owes (欠费户清单): the households of a courtyard with open bill lines up to a month,
each with its room, how many months are open and how much. For finance and grid leaders of
the courtyard, in private only: a list of households never goes to a group (privacy)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import BillLine, Household, Payment, PaymentAllocation, PaymentReversal
from services.access import Actor, Role, require

LISTERS = (Role.FINANCE, Role.GRID_LEADER)
PAGE_SIZE = 15


@dataclass(frozen=True)
class Owing:
    household_id: int
    label: str
    months: int  # months with something still open
    open_fen: int
    oldest: str  # the oldest open month


@dataclass(frozen=True)
class OwingPage:
    courtyard_id: int
    up_to: str
    page: int
    pages: int
    households: int  # in the whole list
    total_fen: int  # owed by all of them
    rows: tuple[Owing, ...]


async def owing(
    session: AsyncSession, actor: Actor, courtyard_id: int, up_to: str, page: int = 0
) -> OwingPage:
    """One page of the households owing for months up to `up_to`, by address."""
    require(actor, LISTERS, courtyard_id)
    paid_by_line = (
        select(PaymentAllocation.bill_line_id, func.sum(PaymentAllocation.amount_fen).label("paid"))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            Payment.courtyard_id == courtyard_id,
            ~exists().where(PaymentReversal.payment_id == Payment.id),
        )
        .group_by(PaymentAllocation.bill_line_id)
        .subquery()
    )
    line_open = BillLine.amount_fen - func.coalesce(paid_by_line.c.paid, 0)
    per_household = (
        select(
            BillLine.household_id.label("household_id"),
            func.sum(line_open).label("open_fen"),
            func.sum(case((line_open > 0, 1), else_=0)).label("months"),
            func.min(case((line_open > 0, BillLine.period), else_=None)).label("oldest"),
        )
        .outerjoin(paid_by_line, paid_by_line.c.bill_line_id == BillLine.id)
        .where(BillLine.courtyard_id == courtyard_id, BillLine.period <= up_to)
        .group_by(BillLine.household_id)
        .having(func.sum(line_open) > 0)
        .subquery()
    )
    totals = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(per_household.c.open_fen), 0))
        )
    ).one()
    count, total = int(totals[0]), int(totals[1])
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = await session.execute(
        select(
            Household.id,
            Household.building,
            Household.unit,
            Household.room,
            per_household.c.months,
            per_household.c.open_fen,
            per_household.c.oldest,
        )
        .join(per_household, per_household.c.household_id == Household.id)
        .order_by(Household.building, Household.unit, Household.room)
        .limit(PAGE_SIZE)
        .offset(page * PAGE_SIZE)
    )
    found = tuple(
        Owing(
            int(hid),
            "-".join(p for p in (building, unit, room) if p),
            int(months),
            int(open_fen),
            str(oldest),
        )
        for hid, building, unit, room, months, open_fen, oldest in rows.tuples()
    )
    return OwingPage(courtyard_id, up_to, page, pages, count, total, found)
