"""Importing a courtyard's household registry from CSV or XLSX: all rows or none."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Household
from services.errors import N_, DomainError

# English column names, and the Chinese ones a clerk's spreadsheet is likely to have
COLUMNS: dict[str, str] = {
    "building": "building",
    "楼栋": "building",
    "楼号": "building",
    "栋": "building",
    "unit": "unit",
    "单元": "unit",
    "room": "room",
    "房号": "room",
    "室": "room",
    "户号": "room",
    "area_m2": "area_m2",
    "面积": "area_m2",
    "建筑面积": "area_m2",
    "parking_spots": "parking_spots",
    "车位": "parking_spots",
    "车位数": "parking_spots",
    "owner_name": "owner_name",
    "业主": "owner_name",
    "业主姓名": "owner_name",
    "phone": "phone",
    "电话": "phone",
    "手机": "phone",
}
MAX_TITLE_ROWS = 3  # rows above the header that name no column are titles, not data
REQUIRED = ("building", "unit", "room", "area_m2")
MAX_AREA_CENTI = 100_000_00  # 100,000 m²: anything larger is a typo
PHONE = re.compile(r"^[0-9+\- ]{5,20}$")


@dataclass(frozen=True)
class HouseholdRow:
    line: int
    building: str
    unit: str
    room: str
    area_centi_m2: int
    parking_spaces: int
    owner_name: str | None
    phone: str | None


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str  # a msgid
    params: dict[str, str]


class ImportRejected(DomainError):
    """The file has problems; nothing of it was written. `problems` lists them by line."""

    message = N_("Nothing was imported: the file has %(count)s problem(s).")

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def read_table(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV or XLSX file as (line number, cells as text)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
        workbook.close()
    elif suffix in (".csv", ".txt"):
        text = _decode(path.read_bytes())
        reader = csv.reader(io.StringIO(text))
        first_line = 1
        for cells in reader:
            # the line a record starts on: a quoted cell may span several lines
            yield first_line, [c.strip() for c in cells]
            first_line = reader.line_num + 1
    else:
        raise DomainError(N_("Only .csv and .xlsx files can be imported."))


def _decode(raw: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GBK; everyone else as UTF-8 (maybe with a BOM)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(N_("The file is neither UTF-8 nor GBK text."))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # a formula's result carries binary noise (86.55000000000001): take what the cell shows
        return str(round(value, 6))
    return str(value).strip()


def parse_rows(rows: Iterator[tuple[int, list[str]]]) -> list[HouseholdRow]:
    """Validate every row; raise ImportRejected listing every problem found."""
    problems: list[RowProblem] = []
    header: dict[str, int] | None = None
    parsed: list[HouseholdRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    titles = 0
    for line, cells in rows:
        if not any(cells):
            continue
        if header is None:
            if titles < MAX_TITLE_ROWS and not _names_a_column(cells):
                titles += 1  # a title above the table, such as "纬三路13号院住户信息表"
                continue
            header = _header(line, cells, problems)
            if header is None:
                break
            continue
        row = _row(line, cells, header, problems)
        if row is None:
            continue
        key = (row.building, row.unit, row.room)
        if key in seen:
            problems.append(
                RowProblem(
                    line,
                    N_("the same room is already on line %(other)s"),
                    {"other": str(seen[key])},
                )
            )
            continue
        seen[key] = line
        parsed.append(row)
    if header is None and not problems:
        problems.append(RowProblem(1, N_("the file is empty"), {}))
    if problems:
        raise ImportRejected(problems)
    return parsed


def _column(name: str) -> str | None:
    return COLUMNS.get(name.strip().lower()) or COLUMNS.get(name.strip())


def _names_a_column(cells: list[str]) -> bool:
    return any(_column(cell) for cell in cells)


def _header(line: int, cells: list[str], problems: list[RowProblem]) -> dict[str, int] | None:
    header: dict[str, int] = {}
    for index, name in enumerate(cells):
        column = _column(name)
        if column:
            header[column] = index
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(
            RowProblem(line, N_("missing column(s): %(columns)s"), {"columns": ", ".join(missing)})
        )
        return None
    return header


def _row(
    line: int, cells: list[str], header: dict[str, int], problems: list[RowProblem]
) -> HouseholdRow | None:
    def cell(name: str) -> str:
        index = header.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    before = len(problems)
    building, unit, room = cell("building"), cell("unit"), cell("room")
    for name, value in (("building", building), ("room", room)):
        if not value:
            problems.append(RowProblem(line, N_("%(column)s is empty"), {"column": name}))
    for name, value in (("building", building), ("unit", unit), ("room", room)):
        if len(value) > 40:
            problems.append(
                RowProblem(line, N_("%(column)s is longer than 40 characters"), {"column": name})
            )
    area = _area(cell("area_m2"))
    if area is None:
        problems.append(
            RowProblem(
                line,
                N_("area_m2 %(value)s is not a positive number of m²"),
                {"value": cell("area_m2")},
            )
        )
    parking_text = cell("parking_spots") or "0"
    parking = int(parking_text) if parking_text.isdigit() and int(parking_text) <= 50 else None
    if parking is None:
        problems.append(
            RowProblem(
                line, N_("parking_spots %(value)s is not a whole number"), {"value": parking_text}
            )
        )
    phone = cell("phone") or None
    if phone is not None and not PHONE.match(phone):
        problems.append(
            RowProblem(line, N_("phone %(value)s is not a phone number"), {"value": phone})
        )
    owner = cell("owner_name") or None
    if owner is not None and len(owner) > 100:
        problems.append(RowProblem(line, N_("owner_name is longer than 100 characters"), {}))
    if len(problems) > before or area is None or parking is None:
        return None
    return HouseholdRow(line, building, unit, room, area, parking, owner, phone)


def _area(text: str) -> int | None:
    try:
        value = Decimal(text.replace(",", "").replace("㎡", "").replace("m²", "").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0:
        return None
    centi = value * 100
    if centi != centi.to_integral_value() or centi > MAX_AREA_CENTI:
        return None
    return int(centi)


async def save_rows(
    session: AsyncSession,
    courtyard_id: int,
    rows: list[HouseholdRow],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Create new households and update known ones (matched by building, unit and room)."""
    existing = {
        (h.building, h.unit, h.room): h
        for h in await session.scalars(
            select(Household).where(Household.courtyard_id == courtyard_id)
        )
    }
    created = updated = unchanged = 0
    for index, row in enumerate(rows, start=1):
        household = existing.get((row.building, row.unit, row.room))
        fields = {
            "area_centi_m2": row.area_centi_m2,
            "parking_spaces": row.parking_spaces,
            "owner_name": row.owner_name,
            "phone": row.phone,
        }
        if household is None:
            session.add(
                Household(
                    courtyard_id=courtyard_id,
                    building=row.building,
                    unit=row.unit,
                    room=row.room,
                    **fields,
                )
            )
            created += 1
        elif any(getattr(household, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(household, key, value)
            updated += 1
        else:
            unchanged += 1
        if progress is not None and (index % 500 == 0 or index == len(rows)):
            progress(index, len(rows))
    await session.flush()
    return ImportResult(created, updated, unchanged)
