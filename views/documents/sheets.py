"""Spreadsheets (XLSX) for staff: a bold, frozen header row, columns wide enough for their
contents, money shown as yuan with two decimals (stored by the caller in integer fen, written
as exact Decimal yuan), rates as percentages, real dates, and an optional bold totals row."""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# an aware datetime is written as the wall time of its own zone: convert to local time first
Cell = str | int | Decimal | date | datetime | None

MONEY = "0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    money_columns: Collection[int] = ()  # 0-based; integer fen, shown as yuan
    percent_columns: Collection[int] = ()  # 0-based; Decimal ratios (0.9 = 90.0 %)
    totals: Sequence[Cell] | None = None  # a last row in bold, same columns and units


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The XLSX file's bytes, one worksheet per sheet in order."""
    # imported here, not at module level: openpyxl pulls numpy and Pillow (~25 MB resident)
    # into the bot process at start-up, and a workbook is built only when staff ask for one
    from openpyxl import Workbook

    book = Workbook()
    for default in list(book.worksheets):  # a new workbook comes with an empty "Sheet"
        book.remove(default)
    used: set[str] = set()
    for sheet in sheets:
        _fill(book.create_sheet(_title(sheet.title, used)), sheet)
    if not sheets:
        book.create_sheet("Sheet1")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(title: str, used: set[str]) -> str:
    """Excel allows 31 characters, unique, without []:*?/\\."""
    base = _BAD_TITLE.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _fill(ws: Worksheet, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Font  # lazily, like Workbook above
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    ws.append(list(sheet.header))
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = "A2"
    widths = [_width(h) for h in sheet.header]
    lines = [*sheet.rows, *([sheet.totals] if sheet.totals is not None else [])]
    for line in lines:
        values = [_value(sheet, column, v) for column, v in enumerate(line)]
        ws.append(values)
        row = ws.max_row
        for column, raw in enumerate(line):
            cell = ws.cell(row=row, column=column + 1)
            cell.number_format = _format(sheet, column, raw)
            if column >= len(widths):
                widths.append(0)
            widths[column] = max(widths[column], _width(_shown(sheet, column, raw)))
    if sheet.totals is not None:
        for cell in ws[ws.max_row]:
            cell.font = bold
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = min(60, max(8, width + 2))


def _value(sheet: Sheet, column: int, value: Cell) -> Any:
    if value is None:
        return None
    if column in sheet.money_columns and isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value) / 100  # exact yuan: 12345 fen -> Decimal("123.45")
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones
    return value


def _format(sheet: Sheet, column: int, value: Cell) -> str:
    if column in sheet.money_columns and isinstance(value, int | Decimal):
        return MONEY
    if column in sheet.percent_columns and isinstance(value, int | Decimal):
        return PERCENT
    if isinstance(value, datetime):
        return DATETIME
    if isinstance(value, date):
        return DATE
    return "General"


def _shown(sheet: Sheet, column: int, value: Cell) -> str:
    """Roughly what Excel shows, to size the column."""
    if value is None:
        return ""
    if column in sheet.money_columns and isinstance(value, int):
        return f"{Decimal(value) / 100:.2f}"
    if column in sheet.percent_columns and isinstance(value, int | Decimal):
        return f"{Decimal(value) * 100:.1f}%"
    if isinstance(value, datetime):
        return "2026-01-01 00:00"
    return str(value)


def _width(text: str) -> int:
    """Columns are measured in Latin characters; a Chinese one is about two wide."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
