"""Collection rates (收费率) per courtyard and period and across courtyards, by both common
definitions, with the current period kept apart from arrears. Every figure names its definition.

For a period P (its first day S, last day E), counting only payments not reversed:
- households_billed: households with a bill line of P charging more than zero;
- households_paid: of those, the ones whose P lines are settled in full by money paid on or
  before E (prepaid credit included);
- due_fen: the sum of P's lines; received_fen: what settles them, paid on or before E;
- arrears_due_fen: what lines of periods before P still owed at S (paid before S deducted);
- arrears_received_fen: what settles lines of periods before P, paid from S to E;
- rate_by_households = households_paid ÷ households_billed;
- rate_by_amount = received_fen ÷ due_fen.
A period with nothing billed has no rate (None), not 0 % or 100 %."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import BillLine, Courtyard
from services.access import Actor, Role, require
from services.errors import N_
from services.fees import periods
from services.fees.payments import valid_allocations

READERS = (Role.FINANCE, Role.GRID_LEADER, Role.SUPERVISOR, Role.ADMIN)

DEFINITIONS: dict[str, str] = {
    "rate_by_households": N_(
        "by households: households that paid the period in full ÷ households billed"
    ),
    "rate_by_amount": N_("by amount: received for the period ÷ due for the period"),
    "arrears_due_fen": N_("arrears: still owed for earlier periods at the start of the period"),
    "arrears_received_fen": N_("arrears recovered: paid during the period for earlier periods"),
}


def ratio(part: int, whole: int) -> Decimal | None:
    """part ÷ whole to four decimals (0.9444 is 94.44 %), half up; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Collection:
    courtyard_id: int | None  # None: all the courtyards asked for together
    courtyard: str
    period: str
    households_billed: int
    households_paid: int
    due_fen: int
    received_fen: int
    arrears_due_fen: int
    arrears_received_fen: int

    @property
    def rate_by_households(self) -> Decimal | None:
        return ratio(self.households_paid, self.households_billed)

    @property
    def rate_by_amount(self) -> Decimal | None:
        return ratio(self.received_fen, self.due_fen)


async def report(
    session: AsyncSession,
    actor: Actor | None,
    period: str,
    courtyard_ids: Iterable[int] | None = None,
) -> list[Collection]:
    """One row per courtyard (those the actor may read, or `courtyard_ids`), then the total."""
    if actor is not None:
        allowed = actor.courtyards_as(READERS)
        if courtyard_ids is not None:
            wanted = list(courtyard_ids)
            for courtyard_id in wanted:
                require(actor, READERS, courtyard_id)
        elif allowed is None:
            wanted = None
        else:
            if not allowed:
                require(actor, READERS)
            wanted = sorted(allowed)
    else:
        wanted = list(courtyard_ids) if courtyard_ids is not None else None
    start, end = periods.first_day(period), periods.last_day(period)
    names_query = select(Courtyard.id, Courtyard.name).order_by(Courtyard.id)
    if wanted is not None:
        names_query = names_query.where(Courtyard.id.in_(wanted))
    names = list((await session.execute(names_query)).tuples())
    # every courtyard: no list of ids for the store to match line by line
    ids = None if wanted is None else [courtyard_id for courtyard_id, _name in names]
    current, arrears = await _figures(session, period, start, end, ids)
    rows: list[Collection] = []
    for courtyard_id, name in names:
        billed, paid, due, received = current.get(courtyard_id, (0, 0, 0, 0))
        owed, recovered = arrears.get(courtyard_id, (0, 0))
        rows.append(
            Collection(courtyard_id, name, period, billed, paid, due, received, owed, recovered)
        )
    rows.append(
        Collection(
            None,
            "",
            period,
            sum(r.households_billed for r in rows),
            sum(r.households_paid for r in rows),
            sum(r.due_fen for r in rows),
            sum(r.received_fen for r in rows),
            sum(r.arrears_due_fen for r in rows),
            sum(r.arrears_received_fen for r in rows),
        )
    )
    return rows


def _in(column: Any, ids: list[int] | None) -> ColumnElement[bool]:
    return true() if ids is None else column.in_(ids)


async def _figures(
    session: AsyncSession, period: str, start: object, end: object, ids: list[int] | None
) -> tuple[dict[int, tuple[int, int, int, int]], dict[int, tuple[int, int]]]:
    """The current period's and the arrears' figures per courtyard in one statement: the
    lines up to the period and what settles them are read once (a CTE both parts use)."""
    allocated = valid_allocations()
    line = aliased(BillLine)
    amount = allocated.c.amount_fen
    by_line = (
        select(
            allocated.c.bill_line_id.label("line_id"),
            func.sum(case((allocated.c.paid_on < start, amount), else_=0)).label("before"),
            func.sum(case((allocated.c.paid_on >= start, amount), else_=0)).label("during"),
        )
        .join(line, line.id == allocated.c.bill_line_id)
        .where(allocated.c.paid_on <= end, line.period <= period, _in(line.courtyard_id, ids))
        .group_by(allocated.c.bill_line_id)
        .subquery()
    )
    lines = (
        select(
            BillLine.courtyard_id,
            BillLine.household_id,
            BillLine.period,
            BillLine.amount_fen.label("amount"),
            func.coalesce(by_line.c.before, 0).label("before"),
            func.coalesce(by_line.c.during, 0).label("during"),
        )
        .outerjoin(by_line, by_line.c.line_id == BillLine.id)
        .where(BillLine.period <= period, _in(BillLine.courtyard_id, ids))
        .cte("lines")
    )
    # current: per household (its lines of the period), then per courtyard
    household = (
        select(
            lines.c.courtyard_id,
            func.sum(lines.c.amount).label("due"),
            func.sum(lines.c.before + lines.c.during).label("received"),
        )
        .where(lines.c.period == period)
        .group_by(lines.c.courtyard_id, lines.c.household_id)
        .subquery()
    )
    charged = household.c.due > 0
    current = select(
        household.c.courtyard_id,
        literal("current").label("part"),
        func.sum(case((charged, 1), else_=0)).label("billed"),
        func.sum(case((charged & (household.c.received >= household.c.due), 1), else_=0)),
        func.sum(household.c.due),
        func.sum(household.c.received),
    ).group_by(household.c.courtyard_id)
    # arrears: lines of earlier periods, owed at the start, recovered during the period
    arrears = (
        select(
            lines.c.courtyard_id,
            literal("arrears").label("part"),
            literal(0),
            literal(0),
            func.sum(lines.c.amount - lines.c.before),
            func.sum(lines.c.during),
        )
        .where(lines.c.period < period)
        .group_by(lines.c.courtyard_id)
    )
    rows = await session.execute(union_all(current, arrears))
    now_part: dict[int, tuple[int, int, int, int]] = {}
    past_part: dict[int, tuple[int, int]] = {}
    for courtyard_id, part, billed, paid, due, received in rows.tuples():
        if part == "current":
            now_part[int(courtyard_id)] = (
                int(billed or 0),
                int(paid or 0),
                int(due or 0),
                int(received or 0),
            )
        else:
            past_part[int(courtyard_id)] = (int(due or 0), int(received or 0))
    return now_part, past_part


async def for_group(session: AsyncSession, courtyard_id: int, period: str) -> Collection:
    """The figures a courtyard's linked group chat may see: its aggregate rates, nothing per
    household (who has not paid is never shown in a group)."""
    rows = await report(session, None, period, [courtyard_id])
    return rows[0]
