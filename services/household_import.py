"""Importing a courtyard's household registry from CSV or XLSX: all rows or none.

An import reads the file twice: `check` validates every row (streaming, only the room keys are
kept to find duplicates), then `save_rows` writes `household_rows` in batches of 1,000, one
insert and one update statement per batch. A file with any problem writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import (
    Decimal,
    DecimalException,
    Inexact,
    InvalidOperation,
    Overflow,
    Underflow,
    localcontext,
)
from itertools import islice
from typing import Any, NamedTuple, cast

from sqlalchemy import Table as StoreTable
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Household
from services import phones
from services.errors import N_, DomainError
from services.household_files import BrokenTable, Table, delimiter_name

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
MAX_AREA_M2 = Decimal(100_000)  # anything larger is a typo
MAX_PARKING = 50
BATCH = 1000
EMPTY = {
    "building": N_("building is empty"),
    "room": N_("room is empty"),
    "area_m2": N_("area_m2 is empty"),
}
TOO_LONG = {
    "building": N_("building is longer than 40 characters"),
    "unit": N_("unit is longer than 40 characters"),
    "room": N_("room is longer than 40 characters"),
}
CONTROL = {
    "building": N_("building contains a control character (such as NUL)"),
    "unit": N_("unit contains a control character (such as NUL)"),
    "room": N_("room contains a control character (such as NUL)"),
    "area_m2": N_("area_m2 contains a control character (such as NUL)"),
    "parking_spots": N_("parking_spots contains a control character (such as NUL)"),
    "owner_name": N_("owner_name contains a control character (such as NUL)"),
    "phone": N_("phone contains a control character (such as NUL)"),
}
_SHOWN_CELLS = 10
_SHOWN_CHARS = 20


class HouseholdRow(NamedTuple):  # a tuple: 50,000 of them are made twice per import
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


def check(table: Table) -> int:
    """Validate every row; raise ImportRejected listing every problem found. Returns the
    number of households in the file."""
    problems: list[RowProblem] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in _parse(table, problems):
        key = (row.building, row.unit, row.room)
        other = seen.setdefault(key, row.line)
        if other != row.line:
            problems.append(
                RowProblem(
                    row.line,
                    N_("the same room is already on line %(other)s"),
                    {"other": str(other)},
                )
            )
    if problems:
        raise ImportRejected(problems)
    return len(seen)


def household_rows(table: Table) -> Iterator[HouseholdRow]:
    """The rows of a file that passed `check` (raises ImportRejected if it changed since)."""
    problems: list[RowProblem] = []
    for row in _parse(table, problems):
        if problems:
            break
        yield row
    if problems:
        raise ImportRejected(problems)


def _parse(table: Table, problems: list[RowProblem]) -> Iterator[HouseholdRow]:
    header: dict[str, int] | None = None
    first: tuple[int, list[str]] | None = None  # the first non-blank row: the likely header
    titles = 0
    try:
        for line, cells in table.rows():
            if not any(cells):
                continue
            if header is None:
                first = first or (line, cells)
                if titles < MAX_TITLE_ROWS and not _names_a_column(cells):
                    titles += 1  # a title above the table, such as "纬三路13号院住户信息表"
                    continue
                header = _header(line, cells, first, table, problems)
                if header is None:
                    return
                continue
            row = _row(line, cells, header, problems)
            if row is not None:
                yield row
    except BrokenTable as broken:
        problems.append(RowProblem(broken.line, broken.message, broken.params))
        return
    if header is None and not problems:
        if first is None:
            problems.append(RowProblem(1, N_("the file is empty"), {}))
        else:  # nothing but "titles": the first row was meant as the header
            _header(first[0], first[1], first, table, problems)


def _column(name: str) -> str | None:
    return COLUMNS.get(name.strip().lower()) or COLUMNS.get(name.strip())


def _names_a_column(cells: list[str]) -> bool:
    return any(_column(cell) for cell in cells)


def _header(
    line: int,
    cells: list[str],
    first: tuple[int, list[str]],
    table: Table,
    problems: list[RowProblem],
) -> dict[str, int] | None:
    header: dict[str, int] = {}
    for index, name in enumerate(cells):
        column = _column(name)
        if column:
            header.setdefault(column, index)
    missing = [c for c in REQUIRED if c not in header]
    if not missing:
        return header
    if not header:  # no column named at all: show the row the header should have been
        line, cells = first
    params = {
        "columns": ", ".join(missing),
        "found": _shown(cells),
        "delimiter": delimiter_name(table.delimiter) if table.kind == "csv" else "",
    }
    if table.kind == "csv":
        message = (
            N_(
                "missing column(s): %(columns)s; the header has %(found)s"
                " (columns separated by %(delimiter)s)"
            )
            if header
            else N_(
                "no header row: expected the columns %(columns)s, found %(found)s"
                " (columns separated by %(delimiter)s)"
            )
        )
    else:
        del params["delimiter"]
        message = (
            N_("missing column(s): %(columns)s; the header has %(found)s")
            if header
            else N_("no header row: expected the columns %(columns)s, found %(found)s")
        )
    problems.append(RowProblem(line, message, params))
    return None


def _shown(cells: list[str]) -> str:
    shown = [
        f"“{c[:_SHOWN_CHARS]}…”" if len(c) > _SHOWN_CHARS else f"“{c}”"
        for c in cells[:_SHOWN_CELLS]
    ]
    if len(cells) > _SHOWN_CELLS:
        shown.append("…")
    return " ".join(shown)


# control characters (category Cc) but the line break typed with Alt+Enter in a note, and tab
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


_PLAIN_AREA = re.compile(r"([0-9]{1,6})(?:\.([0-9]{1,2}))?")


def _has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def _row(
    line: int, cells: list[str], header: dict[str, int], problems: list[RowProblem]
) -> HouseholdRow | None:
    width = len(cells)
    # cells come stripped from the reader; a column the file lacks (or a short row) is empty
    values = {
        name: cells[index] if (index := header.get(name, width)) < width else "" for name in CONTROL
    }
    before = len(problems)
    broken: set[str] = set()
    if _CONTROL.search("".join(values.values())):  # rare: look at each cell only then
        broken = {name for name, value in values.items() if _has_control(value)}
    problems.extend(RowProblem(line, CONTROL[name], {}) for name in broken)
    for name, message in EMPTY.items():
        if not values[name]:
            problems.append(RowProblem(line, message, {}))
    for name, message in TOO_LONG.items():
        if len(values[name]) > 40:
            problems.append(RowProblem(line, message, {}))
    area = _area(values["area_m2"])
    if area is None and values["area_m2"] and "area_m2" not in broken:
        problems.append(
            RowProblem(
                line,
                N_("area_m2 %(value)s is not a positive number of m²"),
                {"value": _clipped(values["area_m2"])},
            )
        )
    parking_text = values["parking_spots"] or "0"
    parking = _parking(parking_text)
    if parking is None and "parking_spots" not in broken:
        problems.append(
            RowProblem(
                line,
                N_("parking_spots %(value)s is not a whole number"),
                {"value": _clipped(parking_text)},
            )
        )
    phone = None
    if values["phone"] and "phone" not in broken:
        try:
            phone = phones.normalize(values["phone"])
        except phones.BadPhone:
            problems.append(
                RowProblem(
                    line,
                    N_("phone %(value)s is not a mainland mobile or landline number"),
                    {"value": _clipped(values["phone"])},
                )
            )
    owner = values["owner_name"] or None
    if owner is not None and len(owner) > 100:
        problems.append(RowProblem(line, N_("owner_name is longer than 100 characters"), {}))
    if len(problems) > before or area is None or parking is None:
        return None
    return HouseholdRow(
        line, values["building"], values["unit"], values["room"], area, parking, owner, phone
    )


def _clipped(value: str) -> str:
    """A bad value as shown in a message: a 100,000-character cell is not repeated whole."""
    return value if len(value) <= 40 else value[:40] + "…"


def _parking(text: str) -> int | None:
    # isdigit() is true for "②" and "²", which int() refuses: only ASCII digits are a count
    if not (text.isascii() and text.isdigit()) or len(text) > 3:
        return None
    value = int(text)
    return value if value <= MAX_PARKING else None


def _area(text: str) -> int | None:
    """Hundredths of a m², or None. Bounds are checked before any arithmetic: "1e9999999"
    parses, but multiplying it overflows the decimal context."""
    cleaned = text.replace(",", "").replace("㎡", "").replace("m²", "").strip()
    plain = _PLAIN_AREA.fullmatch(cleaned)
    if plain:  # the usual "86.5": no Decimal needed
        whole, fraction = plain.group(1), (plain.group(2) or "").ljust(2, "0")
        centi = int(whole) * 100 + int(fraction)
        return centi if 0 < centi <= MAX_AREA_M2 * 100 else None
    if not cleaned.isascii() or len(cleaned) > 40:
        return None
    try:
        value = Decimal(cleaned)
        if not value.is_finite() or not 0 < value <= MAX_AREA_M2:
            return None
        with localcontext() as context:
            for signal in (Inexact, Underflow, Overflow, InvalidOperation):
                context.traps[signal] = True  # no silent rounding or underflow
            scaled = value.scaleb(2)
            if scaled != scaled.to_integral_value():
                return None
            return int(scaled)
    except DecimalException:
        return None


async def save_rows(
    session: AsyncSession,
    courtyard_id: int,
    rows: Iterable[HouseholdRow],
    *,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH,
) -> ImportResult:
    """Create new households and update known ones (matched by building, unit and room),
    one batch of rows at a time: one insert and one update statement per batch.

    The courtyard's households are read once, as plain tuples (a few MB for 50,000): a select
    per batch by (building, unit, room) costs more in expanding its 3,000 parameters than the
    whole read."""
    known: dict[tuple[str, str, str], tuple[Any, ...]] = {
        (building, unit, room): (household_id, *fields)
        for household_id, building, unit, room, *fields in await session.execute(
            select(
                _TABLE.c.id,
                _TABLE.c.building,
                _TABLE.c.unit,
                _TABLE.c.room,
                *(_TABLE.c[f] for f in _FIELDS),
            ).where(_TABLE.c.courtyard_id == courtyard_id)
        )
    }
    created = updated = unchanged = done = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, batch_size)):
        new, changed, same = await _save_batch(session, courtyard_id, batch, known)
        created, updated, unchanged = created + new, updated + changed, unchanged + same
        done += len(batch)
        if progress is not None:
            progress(done, max(total or 0, done))
    return ImportResult(created, updated, unchanged)


_FIELDS = ("area_centi_m2", "parking_spaces", "owner_name", "phone")
_TABLE = cast(StoreTable, Household.__table__)
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("household_id"))
    .values({f: bindparam(f"new_{f}") for f in _FIELDS})
)


async def _save_batch(
    session: AsyncSession,
    courtyard_id: int,
    batch: list[HouseholdRow],
    known: dict[tuple[str, str, str], tuple[Any, ...]],
) -> tuple[int, int, int]:
    new: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    for row in batch:
        stored = known.get((row.building, row.unit, row.room))
        if stored is None:
            new.append(
                {
                    "courtyard_id": courtyard_id,
                    "building": row.building,
                    "unit": row.unit,
                    "room": row.room,
                    **{f: getattr(row, f) for f in _FIELDS},
                }
            )
        elif stored[1:] != tuple(getattr(row, f) for f in _FIELDS):
            changed.append(
                {"household_id": stored[0], **{f"new_{f}": getattr(row, f) for f in _FIELDS}}
            )
    # one statement each, compiled once and cached, run by the driver for the whole batch
    # (executemany): compiling a 1,000-row VALUES list or CASE would cost more than the writes
    if new:
        await session.execute(insert(_TABLE), new)
    if changed:
        await session.execute(_UPDATE, changed)
    return len(new), len(changed), len(batch) - len(new) - len(changed)
