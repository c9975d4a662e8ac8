"""Importing a payments file (CSV or XLSX: building, unit, room, amount, method, paid_on,
reference) into one courtyard: every bad row is reported by its line and nothing is written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Household, Payment, PaymentMethod
from services.errors import N_, DomainError
from services.fees import money, payments
from services.fees.errors import DuplicateReference, FutureDate
from services.household_files import BrokenTable, open_table
from services.household_import import ImportRejected, RowProblem
from services.policy import Policy

COLUMNS: dict[str, str] = {
    "building": "building",
    "楼栋": "building",
    "楼号": "building",
    "unit": "unit",
    "单元": "unit",
    "room": "room",
    "房号": "room",
    "室": "room",
    "amount": "amount",
    "金额": "amount",
    "实收金额": "amount",
    "method": "method",
    "方式": "method",
    "支付方式": "method",
    "paid_on": "paid_on",
    "日期": "paid_on",
    "缴费日期": "paid_on",
    "reference": "reference",
    "流水号": "reference",
    "参考号": "reference",
}
REQUIRED = ("building", "room", "amount", "method", "paid_on")


@dataclass(frozen=True)
class PaymentRow:
    line: int
    household_id: int
    amount_fen: int
    method: PaymentMethod
    paid_on: date
    reference: str | None


@dataclass(frozen=True)
class ImportSummary:
    payments: int
    amount_fen: int
    receipts: tuple[str, ...]  # empty for a dry run


def read(path: Path) -> list[tuple[int, list[str]]]:
    """The file's rows (a payments file is small); a broken file is a problem at its line."""
    try:
        return list(open_table(path).rows())
    except BrokenTable as broken:
        raise ImportRejected([RowProblem(broken.line, broken.message, broken.params)]) from None


def _problem(line: int, error: DomainError) -> RowProblem:
    return RowProblem(line, error.message, {k: str(v) for k, v in error.params.items()})


async def check(
    session: AsyncSession,
    courtyard_id: int,
    table: Iterable[tuple[int, list[str]]],
    today: date,
) -> list[PaymentRow]:
    """Every row read and checked against the store; raises ImportRejected listing them all."""
    homes = {
        (h.building, h.unit, h.room): h.id
        for h in await session.scalars(
            select(Household).where(Household.courtyard_id == courtyard_id)
        )
    }
    problems: list[RowProblem] = []
    rows: list[PaymentRow] = []
    header: dict[str, int] | None = None
    seen_references: dict[str, int] = {}
    for line, cells in table:
        if not any(cells):
            continue
        if header is None:
            header = {
                COLUMNS[c.strip().lower()]: i
                for i, c in enumerate(cells)
                if c.strip().lower() in COLUMNS
            }
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                problems.append(
                    RowProblem(
                        line, N_("Missing columns: %(columns)s."), {"columns": ", ".join(missing)}
                    )
                )
                break
            continue

        def cell(name: str, cells: list[str] = cells, columns: dict[str, int] = header) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        try:
            address = (cell("building"), cell("unit"), cell("room"))
            household_id = homes.get(address)
            if household_id is None:
                raise DomainError(
                    N_("No household %(address)s in this courtyard."),
                    address="-".join(p for p in address if p),
                )
            amount = money.amount_fen(cell("amount"))
            method = payments.parse_method(cell("method"))
            paid_on = payments.parse_day(cell("paid_on"))
            if paid_on > today:
                raise FutureDate(date=paid_on.isoformat())
            reference = cell("reference") or None
            if reference is not None:
                if reference in seen_references:
                    raise DomainError(
                        N_("Reference %(reference)s is also on line %(line)s."),
                        reference=reference,
                        line=seen_references[reference],
                    )
                seen_references[reference] = line
        except DomainError as error:
            problems.append(_problem(line, error))
            continue
        rows.append(PaymentRow(line, household_id, amount, method, paid_on, reference))
    if seen_references:
        taken = dict(
            (
                await session.execute(
                    select(Payment.reference, Payment.receipt_number).where(
                        Payment.courtyard_id == courtyard_id,
                        Payment.reference.in_(list(seen_references)),
                    )
                )
            )
            .tuples()
            .all()
        )
        for reference, receipt in taken.items():
            assert reference is not None
            duplicate = DuplicateReference(reference=reference, receipt=receipt)
            problems.append(_problem(seen_references[reference], duplicate))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.line))
    return rows


async def save(
    session: AsyncSession,
    courtyard_id: int,
    rows: list[PaymentRow],
    *,
    today: date,
    now: datetime,
    policy: Policy | None = None,
) -> ImportSummary:
    """Record the checked rows (in the caller's transaction: all of them or none); each
    household's members get their receipt (waiting out the quiet hours with a `policy`)."""
    receipts = []
    for row in rows:
        info = await payments.record(
            session,
            None,
            courtyard_id,
            row.household_id,
            amount_fen=row.amount_fen,
            method=row.method,
            paid_on=row.paid_on,
            today=today,
            now=now,
            reference=row.reference,
            channel="import",
            policy=policy,
        )
        receipts.append(info.receipt_number)
    return ImportSummary(len(rows), sum(r.amount_fen for r in rows), tuple(receipts))
