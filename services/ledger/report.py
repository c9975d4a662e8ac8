"""A courtyard's month in figures (what the 公示 publishes) and its detailed lines.

Only entries that count are summed: no approval needed, or approved (a rejected or waiting
expense is listed but not summed). A reversing entry counts with the opposite sign in its own
kind and category. Month balance = income − expense of the month; the running balance
(closing) = everything that counts up to the month's last day; opening = closing − month.
All figures are integer fen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Category,
    Courtyard,
    Decision,
    EntryKind,
    EntrySource,
    LedgerApproval,
    LedgerEntry,
    LedgerEvidence,
    LedgerLink,
    LinkKind,
    Ticket,
)
from models.ledger import EXPENSE_CATEGORIES, INCOME_CATEGORIES
from services.errors import NotFound
from services.fees import periods
from services.fees.errors import BadPeriod
from services.ledger.booking import counts, waiting
from services.ledger.errors import BadMonth


def parse_month(text: str) -> str:
    try:
        return periods.parse(text)
    except BadPeriod:
        raise BadMonth(text=text) from None


def signed() -> Any:
    """+amount for income and for a reversed expense, −amount for expense and reversed income."""
    plus = (LedgerEntry.kind == EntryKind.INCOME) == LedgerEntry.reverses_entry_id.is_(None)
    return case((plus, LedgerEntry.amount_fen), else_=-LedgerEntry.amount_fen)


def net_in_kind() -> Any:
    """The amount as it counts within its own kind: reversals negative."""
    return case(
        (LedgerEntry.reverses_entry_id.is_(None), LedgerEntry.amount_fen),
        else_=-LedgerEntry.amount_fen,
    )


@dataclass(frozen=True)
class MonthFigures:
    courtyard_id: int
    courtyard: str
    month: str
    income: dict[Category, int]
    expense: dict[Category, int]
    lines: int  # entries of the month that count
    waiting: int  # expenses of the month that wait for approval
    opening_fen: int
    seqs: tuple[int, ...] = field(default=(), compare=False)

    @property
    def income_fen(self) -> int:
        return sum(self.income.values())

    @property
    def expense_fen(self) -> int:
        return sum(self.expense.values())

    @property
    def balance_fen(self) -> int:
        return self.income_fen - self.expense_fen

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.balance_fen

    def stored(self) -> dict[str, Any]:
        """As kept on the disclosure row (JSON: integers and strings only)."""
        return {
            "income": {c.value: v for c, v in self.income.items()},
            "expense": {c.value: v for c, v in self.expense.items()},
            "income_fen": self.income_fen,
            "expense_fen": self.expense_fen,
            "balance_fen": self.balance_fen,
            "opening_fen": self.opening_fen,
            "closing_fen": self.closing_fen,
            "lines": self.lines,
            "seqs": list(self.seqs),
        }


async def month_figures(session: AsyncSession, courtyard_id: int, month: str) -> MonthFigures:
    courtyard = await session.get(Courtyard, courtyard_id)
    if courtyard is None:
        raise NotFound()
    start, end = periods.first_day(month), periods.last_day(month)
    in_month = and_(
        LedgerEntry.courtyard_id == courtyard_id,
        LedgerEntry.booked_on >= start,
        LedgerEntry.booked_on <= end,
    )
    income = dict.fromkeys(INCOME_CATEGORIES, 0)
    expense = dict.fromkeys(EXPENSE_CATEGORIES, 0)
    lines = 0
    for kind, category, net, number in await session.execute(
        select(LedgerEntry.kind, LedgerEntry.category, func.sum(net_in_kind()), func.count())
        .where(in_month, counts())
        .group_by(LedgerEntry.kind, LedgerEntry.category)
    ):
        target = income if kind == EntryKind.INCOME else expense
        target[Category(category)] = target.get(Category(category), 0) + int(net)
        lines += int(number)
    seqs = tuple(
        await session.scalars(
            select(LedgerEntry.seq).where(in_month, counts()).order_by(LedgerEntry.seq)
        )
    )
    pending = await session.scalar(
        select(func.count()).select_from(LedgerEntry).where(in_month, waiting())
    )
    opening = await session.scalar(
        select(func.coalesce(func.sum(signed()), 0)).where(
            LedgerEntry.courtyard_id == courtyard_id, LedgerEntry.booked_on < start, counts()
        )
    )
    return MonthFigures(
        courtyard_id,
        courtyard.name,
        month,
        income,
        expense,
        lines,
        int(pending or 0),
        int(opening or 0),
        seqs,
    )


@dataclass(frozen=True)
class Line:
    """One entry as the detailed list shows it."""

    id: int
    seq: int
    booked_on: date
    kind: EntryKind
    category: Category
    amount_fen: int  # as it counts in its kind: negative for a reversal
    counterparty: str
    description: str
    source: EntrySource
    status: str  # counted, waiting, rejected
    reverses_seq: int | None
    reason: str | None
    ticket: str | None
    evidence: int
    hash: str


async def month_lines(session: AsyncSession, courtyard_id: int, month: str) -> list[Line]:
    start, end = periods.first_day(month), periods.last_day(month)
    original = LedgerEntry.__table__.alias("original")
    decision = (
        select(LedgerApproval.decision)
        .where(LedgerApproval.entry_id == LedgerEntry.id)
        .scalar_subquery()
    )
    evidence = (
        select(func.count()).where(LedgerEvidence.entry_id == LedgerEntry.id).scalar_subquery()
    )
    ticket = (
        select(Ticket.number)
        .join(
            LedgerLink, and_(LedgerLink.ticket_id == Ticket.id, LedgerLink.kind == LinkKind.TICKET)
        )
        .where(LedgerLink.entry_id == LedgerEntry.id)
        .limit(1)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            LedgerEntry.id,
            LedgerEntry.seq,
            LedgerEntry.booked_on,
            LedgerEntry.kind,
            LedgerEntry.category,
            net_in_kind(),
            LedgerEntry.counterparty,
            LedgerEntry.description,
            LedgerEntry.source,
            LedgerEntry.needs_approval,
            decision,
            original.c.seq,
            LedgerEntry.reason,
            ticket,
            evidence,
            LedgerEntry.hash,
        )
        .outerjoin(original, original.c.id == LedgerEntry.reverses_entry_id)
        .where(
            LedgerEntry.courtyard_id == courtyard_id,
            LedgerEntry.booked_on >= start,
            LedgerEntry.booked_on <= end,
        )
        .order_by(LedgerEntry.booked_on, LedgerEntry.seq)
    )
    found: list[Line] = []
    for row in rows:
        status = "counted"
        if row[9]:
            status = {None: "waiting", Decision.APPROVED.value: "counted"}.get(
                None if row[10] is None else str(row[10]), "rejected"
            )
        found.append(
            Line(
                int(row[0]),
                int(row[1]),
                row[2],
                EntryKind(row[3]),
                Category(row[4]),
                int(row[5]),
                row[6],
                row[7],
                EntrySource(row[8]),
                status,
                None if row[11] is None else int(row[11]),
                row[12],
                row[13],
                int(row[14]),
                row[15],
            )
        )
    return found
