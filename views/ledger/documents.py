"""The files of a month (公示): the summary table, the detailed lines as XLSX, PDF and CSV.
Money stays integer fen until shown (sheets show it as yuan, exactly)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from aiogram.utils.i18n import gettext as _

from models import EntryKind
from models.ledger import EXPENSE_CATEGORIES, INCOME_CATEGORIES
from services.fees.money import yuan
from services.ledger.messages import LedgerDisclosure, LineFacts
from views.documents.pdf import html_table, pdf_from_html
from views.documents.sheets import Sheet, workbook
from views.ledger import words


def title(month: LedgerDisclosure) -> str:
    if month.version:
        return _("%(courtyard)s accounts for %(month)s (version %(version)s)") % {
            "courtyard": month.courtyard,
            "month": month.month,
            "version": month.version,
        }
    return _("%(courtyard)s accounts for %(month)s (not published)") % {
        "courtyard": month.courtyard,
        "month": month.month,
    }


def filename(month: LedgerDisclosure, extension: str) -> str:
    suffix = f"-v{month.version}" if month.version else ""
    return f"{_('accounts')}-{month.courtyard}-{month.month}{suffix}.{extension}"


def summary_rows(month: LedgerDisclosure) -> list[tuple[str, str, int]]:
    """(kind, category, fen) for every category, income first, as published."""
    figures = month.figures
    return [
        *(
            (words.kind("income"), words.category(c.value), int(figures["income"].get(c.value, 0)))
            for c in INCOME_CATEGORIES
        ),
        *(
            (
                words.kind("expense"),
                words.category(c.value),
                int(figures["expense"].get(c.value, 0)),
            )
            for c in EXPENSE_CATEGORIES
        ),
    ]


def totals(month: LedgerDisclosure) -> list[tuple[str, int]]:
    f = month.figures
    return [
        (_("Income this month"), int(f["income_fen"])),
        (_("Expenses this month"), int(f["expense_fen"])),
        (_("Balance of the month"), int(f["balance_fen"])),
        (_("Balance brought forward"), int(f["opening_fen"])),
        (_("Running balance"), int(f["closing_fen"])),
    ]


def _line_header() -> list[str]:
    return [
        _("No."),
        _("Date"),
        _("Kind"),
        _("Category"),
        _("Income ¥"),
        _("Expense ¥"),
        _("Counterparty"),
        _("Description"),
    ]


def _line_cells(line: LineFacts) -> tuple[int | None, int | None]:
    """(income fen, expense fen) of a line; a reversal is negative in its own column."""
    if line.kind == EntryKind.INCOME.value:
        return line.amount_fen, None
    return None, line.amount_fen


def _sums(lines: Sequence[LineFacts]) -> tuple[int, int]:
    income = sum(line.amount_fen for line in lines if line.kind == EntryKind.INCOME.value)
    expense = sum(line.amount_fen for line in lines if line.kind == EntryKind.EXPENSE.value)
    return income, expense


def xlsx(month: LedgerDisclosure) -> bytes:
    summary = Sheet(
        title=_("Summary"),
        header=[_("Kind"), _("Category"), _("Amount ¥")],
        rows=[
            *summary_rows(month),
            *(("", label, fen) for label, fen in totals(month)),
            ("", _("Lines"), str(month.figures["lines"])),
        ],
        money_columns=(2,),
        totals=("", _("Chain head"), f"#{month.head_seq} {month.fingerprint}"),
    )
    income, expense = _sums(month.lines)
    lines = Sheet(
        title=_("Lines"),
        header=_line_header(),
        rows=[
            [
                line.seq,
                line.booked_on,
                words.kind(line.kind),
                words.category(line.category),
                *_line_cells(line),
                words.counterparty(line),
                line.description,
            ]
            for line in month.lines
        ],
        money_columns=(4, 5),
        totals=[_("Total"), None, None, None, income, expense, None, None],
    )
    return workbook([summary, lines])


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else yuan(fen)


def pdf(month: LedgerDisclosure) -> bytes:
    summary = html_table(
        [_("Kind"), _("Category"), _("Amount ¥")],
        [(k, c, Decimal(fen) / 100) for k, c, fen in summary_rows(month)]
        + [("", label, Decimal(fen) / 100) for label, fen in totals(month)],
    )
    income, expense = _sums(month.lines)
    rows: list[list[str | int | Decimal | None]] = [
        [
            line.seq,
            line.booked_on.isoformat(),
            words.kind(line.kind),
            words.category(line.category),
            *(_yuan(v) for v in _line_cells(line)),
            words.counterparty(line),
            line.description,
        ]
        for line in month.lines
    ]
    rows.append([_("Total"), None, None, None, yuan(income), yuan(expense), None, None])
    intro = _("%(lines)s lines. Chain head: entry #%(seq)s, fingerprint %(fingerprint)s.") % {
        "lines": month.figures["lines"],
        "seq": month.head_seq,
        "fingerprint": month.fingerprint,
    }
    body = (
        f"<p>{intro}</p><h2>{_('Summary')}</h2>{summary}"
        f"<h2>{_('Lines')}</h2>{html_table(_line_header(), rows)}"
    )
    return pdf_from_html(title(month), body)


def csv_text(month: LedgerDisclosure) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_line_header())
    for line in month.lines:
        income, expense = _line_cells(line)
        writer.writerow(
            [
                line.seq,
                line.booked_on.isoformat(),
                words.kind(line.kind),
                words.category(line.category),
                _yuan(income) or "",
                _yuan(expense) or "",
                words.counterparty(line),
                line.description,
            ]
        )
    income, expense = _sums(month.lines)
    writer.writerow([_("Total"), "", "", "", yuan(income), yuan(expense), "", ""])
    return out.getvalue()
