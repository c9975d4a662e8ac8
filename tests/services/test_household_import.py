"""Importing a household registry: good CSV and XLSX files, Chinese clerks' files, re-imports,
and bad files that are rejected whole, each problem named by its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Household
from services import courtyards, household_import
from services.clock import FixedClock
from services.errors import DomainError
from services.household_files import open_table
from services.household_import import ImportRejected, ImportResult

HEADER = "building,unit,room,area_m2,parking_spots,owner_name,phone"


async def make_courtyard(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> int:
    async with sessions() as session, session.begin():
        courtyard = await courtyards.create_courtyard(session, "文化路5号院", clock())
        return courtyard.id


async def import_file(
    sessions: async_sessionmaker[AsyncSession], courtyard_id: int, path: Path
) -> ImportResult:
    """What `courtyard import-households` does: validate the whole file, then write it."""
    table = open_table(path)
    total = household_import.check(table)
    async with sessions() as session, session.begin():
        return await household_import.save_rows(
            session, courtyard_id, household_import.household_rows(table), total=total
        )


async def stored(sessions: async_sessionmaker[AsyncSession]) -> list[Household]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(Household).order_by(Household.building, Household.unit, Household.room)
            )
        )


async def household_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Household)) or 0)


def write_csv(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


async def test_good_csv_is_imported(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    courtyard_id = await make_courtyard(sessions, clock)
    path = write_csv(
        tmp_path / "homes.csv",
        HEADER,
        "1号楼,1单元,101,86.5,1,张三,13800138000",
        "1号楼,1单元,102,72,0,,",
        "2号楼,,201,100.25,2,李四,0371-6666 8888",
    )

    result = await import_file(sessions, courtyard_id, path)

    assert result == ImportResult(created=3, updated=0, unchanged=0)
    homes = await stored(sessions)
    assert [(h.label(), h.area_centi_m2, h.parking_spaces) for h in homes] == [
        ("1号楼-1单元-101", 8650, 1),
        ("1号楼-1单元-102", 7200, 0),
        ("2号楼-201", 10025, 2),
    ]
    assert homes[0].owner_name == "张三"
    assert homes[0].phone == "13800138000"
    assert homes[1].owner_name is None
    assert homes[1].phone is None
    assert all(h.courtyard_id == courtyard_id for h in homes)


async def test_good_xlsx_is_imported(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    courtyard_id = await make_courtyard(sessions, clock)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    # spreadsheets hold numbers as numbers: rooms and phones come back as ints or floats
    sheet.append(["3号楼", "2单元", 501, 86.55, 1, "王五", 13900139000])
    sheet.append(["3号楼", "2单元", 502, 90, None, None, None])
    sheet.append([None, None, None, None, None, None, None])  # a blank row is skipped
    sheet.append(["3号楼", "2单元", 601.0, 64.5, 0, "赵六", None])
    path = tmp_path / "homes.xlsx"
    workbook.save(path)

    result = await import_file(sessions, courtyard_id, path)

    assert result == ImportResult(created=3, updated=0, unchanged=0)
    homes = await stored(sessions)
    assert [(h.room, h.area_centi_m2, h.parking_spaces, h.owner_name, h.phone) for h in homes] == [
        ("501", 8655, 1, "王五", "13900139000"),
        ("502", 9000, 0, None, None),
        ("601", 6450, 0, "赵六", None),
    ]


async def test_chinese_headers_in_a_gbk_csv(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    """Excel on Chinese Windows saves CSV as GBK, with the clerk's Chinese column names."""
    courtyard_id = await make_courtyard(sessions, clock)
    path = write_csv(
        tmp_path / "住户.csv",
        "楼栋,单元,房号,建筑面积,车位数,业主姓名,手机",
        "5号楼,1单元,101,58.3,0,孙七,13700137000",
        "5号楼,1单元,102,61,1,周八,",
        encoding="gbk",
    )
    assert path.read_bytes().decode("gbk").startswith("楼栋")  # really GBK, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")

    result = await import_file(sessions, courtyard_id, path)

    assert result.created == 2
    homes = await stored(sessions)
    assert [(h.label(), h.area_centi_m2, h.owner_name) for h in homes] == [
        ("5号楼-1单元-101", 5830, "孙七"),
        ("5号楼-1单元-102", 6100, "周八"),
    ]


async def test_utf8_csv_with_bom_and_other_chinese_names(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    courtyard_id = await make_courtyard(sessions, clock)
    path = tmp_path / "bom.csv"
    path.write_bytes("楼号,单元,户号,面积,车位,业主,电话\n6号楼,,1,45,,吴九,\n".encode("utf-8-sig"))

    assert (await import_file(sessions, courtyard_id, path)).created == 1
    [home] = await stored(sessions)
    assert (home.building, home.unit, home.room, home.area_centi_m2) == ("6号楼", "", "1", 4500)


async def test_reimport_updates_rather_than_duplicates(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    courtyard_id = await make_courtyard(sessions, clock)
    first = write_csv(
        tmp_path / "first.csv",
        HEADER,
        "1号楼,1单元,101,86.5,1,张三,",
        "1号楼,1单元,102,72,0,,",
        "1号楼,1单元,103,72,0,,",
    )
    assert await import_file(sessions, courtyard_id, first) == ImportResult(3, 0, 0)

    second = write_csv(
        tmp_path / "second.csv",
        HEADER,
        "1号楼,1单元,101,88,1,张三,",  # re-measured
        "1号楼,1单元,102,72,0,,",  # as before
        "1号楼,1单元,103,72,1,钱十,13600136000",  # new owner, bought a parking space
        "1号楼,1单元,104,72,0,,",  # new
    )
    result = await import_file(sessions, courtyard_id, second)

    assert result == ImportResult(created=1, updated=2, unchanged=1)
    homes = await stored(sessions)
    assert len(homes) == 4
    by_room = {h.room: h for h in homes}
    assert by_room["101"].area_centi_m2 == 8800
    assert (by_room["103"].owner_name, by_room["103"].parking_spaces) == ("钱十", 1)

    # the same file again changes nothing
    assert await import_file(sessions, courtyard_id, second) == ImportResult(0, 0, 4)
    assert await household_count(sessions) == 4


async def test_same_room_in_another_courtyard_is_another_household(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    first = await make_courtyard(sessions, clock)
    async with sessions() as session, session.begin():
        second = (await courtyards.create_courtyard(session, "都市A座", clock())).id
    path = write_csv(tmp_path / "homes.csv", HEADER, "1号楼,1单元,101,50,0,,")

    await import_file(sessions, first, path)
    await import_file(sessions, second, path)

    assert sorted(h.courtyard_id for h in await stored(sessions)) == sorted([first, second])


async def test_a_large_file_reports_progress(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    courtyard_id = await make_courtyard(sessions, clock)
    lines = [
        f"A座,{u}单元,{f}{d:02d},45.5,0,,"
        for u in (1, 2)
        for f in range(1, 24)
        for d in range(1, 12)
    ]
    path = write_csv(tmp_path / "big.csv", HEADER, *lines)
    table = open_table(path)
    total = household_import.check(table)
    seen: list[tuple[int, int]] = []
    async with sessions() as session, session.begin():
        result = await household_import.save_rows(
            session,
            courtyard_id,
            household_import.household_rows(table),
            total=total,
            progress=lambda done, total: seen.append((done, total)),
            batch_size=200,
        )
    assert result.created == len(lines) == 506
    assert seen == [(200, 506), (400, 506), (506, 506)]
    assert await household_count(sessions) == 506


# ---- bad files: every problem by line, and nothing written -----------------------------------


def problems(error: ImportRejected) -> list[tuple[int, str]]:
    return [(p.line, p.message % p.params if p.params else p.message) for p in error.problems]


async def rejected(
    sessions: async_sessionmaker[AsyncSession], courtyard_id: int, path: Path
) -> list[tuple[int, str]]:
    before = await household_count(sessions)
    with pytest.raises(ImportRejected) as caught:
        await import_file(sessions, courtyard_id, path)
    assert await household_count(sessions) == before, "a rejected file wrote something"
    return problems(caught.value)


@pytest.fixture
async def courtyard_with_homes(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> int:
    """A courtyard that already has two households, so 'nothing written' is not 'empty'."""
    courtyard_id = await make_courtyard(sessions, clock)
    path = write_csv(
        tmp_path / "existing.csv", HEADER, "9号楼,1单元,101,50,0,,", "9号楼,1单元,102,50,0,,"
    )
    await import_file(sessions, courtyard_id, path)
    return courtyard_id


async def test_missing_column_is_reported_on_the_header_line(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        "",  # a blank first line: the header is on line 2
        "building,unit,room,parking_spots",
        "1号楼,1单元,101,0",
    )
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (
            2,
            "missing column(s): area_m2; the header has “building” “unit” “room” "
            "“parking_spots” (columns separated by “,”)",
        )
    ]


@pytest.mark.parametrize(
    "area", ["abc", "-5", "12.345", "0", "NaN", "sNaN", "Infinity", "1e9999999", "1e-9999999"]
)
async def test_bad_area(
    sessions: async_sessionmaker[AsyncSession],
    courtyard_with_homes: int,
    tmp_path: Path,
    area: str,
) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        "1号楼,1单元,101,80,0,,",  # a good row before the bad one is not written either
        f"1号楼,1单元,102,{area},0,,",
        "1号楼,1单元,103,80,0,,",
    )
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (3, f"area_m2 {area} is not a positive number of m²")
    ]


async def test_empty_room(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bad.csv", HEADER, "1号楼,1单元,101,80,0,,", "1号楼,1单元,,80,0,,")
    assert await rejected(sessions, courtyard_with_homes, path) == [(3, "room is empty")]


async def test_duplicate_room_within_the_file(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        "1号楼,1单元,101,80,0,,",
        "1号楼,1单元,102,80,0,,",
        "1号楼,1单元,101,81,0,,",
    )
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (4, "the same room is already on line 2")
    ]


async def test_bad_phone(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bad.csv", HEADER, "1号楼,1单元,101,80,0,张三,call me")
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (2, "phone call me is not a mainland mobile or landline number")
    ]


@pytest.mark.parametrize("parking", ["1.5", "two", "-1"])
async def test_non_integer_parking(
    sessions: async_sessionmaker[AsyncSession],
    courtyard_with_homes: int,
    tmp_path: Path,
    parking: str,
) -> None:
    path = write_csv(tmp_path / "bad.csv", HEADER, f"1号楼,1单元,101,80,{parking},,")
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (2, f"parking_spots {parking} is not a whole number")
    ]


async def test_every_problem_of_a_file_is_listed_and_an_xlsx_too(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["楼栋", "单元", "房号", "面积", "车位", "电话"])
    sheet.append(["1号楼", "1单元", 101, 80, 0, None])
    sheet.append(["1号楼", "1单元", None, 80, 0, None])
    sheet.append(["1号楼", "1单元", 103, "abc", 1.5, "?"])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)

    assert await rejected(sessions, courtyard_with_homes, path) == [
        (3, "room is empty"),
        (4, "area_m2 abc is not a positive number of m²"),
        (4, "parking_spots 1.5 is not a whole number"),
        (4, "phone ? is not a mainland mobile or landline number"),
    ]


async def test_empty_file_and_unknown_kind(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert await rejected(sessions, courtyard_with_homes, empty) == [(1, "the file is empty")]

    odd = tmp_path / "homes.xls"
    odd.write_bytes(b"not really")
    with pytest.raises(DomainError) as caught:
        await import_file(sessions, courtyard_with_homes, odd)
    assert "csv" in caught.value.message
    assert "xlsx" in caught.value.message
    assert await household_count(sessions) == 2


async def test_line_numbers_count_lines_of_the_file_not_records(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    """A quoted cell may hold a line break (an owner's note typed with Alt+Enter): the problem
    is still reported on the line where the clerk will find it."""
    path = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        '1号楼,1单元,101,80,0,"张三\n(已故)",',
        "1号楼,1单元,102,abc,0,,",
    )
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (4, "area_m2 abc is not a positive number of m²")
    ]


async def test_an_area_computed_by_a_formula_is_read_as_shown(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    """Spreadsheets keep a formula's result as a binary float (86.55 as 86.55000000000001);
    the area is what the cell shows, not a rejected 14-decimal number."""
    courtyard_id = await make_courtyard(sessions, clock)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(["1号楼", "1单元", 101, 0.1 + 0.2, 0, None, None])
    sheet.append(["1号楼", "1单元", 102, 86.55000000000001, 0, None, None])
    sheet.append(["1号楼", "1单元", 103, 57.699999999999996, 0, None, None])
    path = tmp_path / "computed.xlsx"
    workbook.save(path)

    assert (await import_file(sessions, courtyard_id, path)).created == 3
    assert [h.area_centi_m2 for h in await stored(sessions)] == [30, 8655, 5770]


async def test_a_title_row_above_the_header_is_skipped(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    """Clerks' spreadsheets often carry a title and a date above the table."""
    courtyard_id = await make_courtyard(sessions, clock)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["文化路5号院住户信息表"])
    sheet.append(["制表日期：2026年11月"])
    sheet.append(["楼栋", "单元", "房号", "面积", "车位", "业主", "电话"])
    sheet.append(["1号楼", "1单元", "101", 76.5, 1, "李四", "13800000000"])
    path = tmp_path / "with-title.xlsx"
    book.save(path)
    result = await import_file(sessions, courtyard_id, path)
    assert result == ImportResult(created=1, updated=0, unchanged=0)
    [home] = await stored(sessions)
    assert (home.label(), home.area_centi_m2, home.owner_name) == ("1号楼-1单元-101", 7650, "李四")


async def test_a_file_with_no_header_at_all_names_the_missing_columns(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    courtyard_id = await make_courtyard(sessions, clock)
    path = write_csv(tmp_path / "no-header.csv", *[f"1号楼,1单元,10{i},80" for i in range(5)])
    with pytest.raises(ImportRejected) as caught:
        await import_file(sessions, courtyard_id, path)
    [problem] = caught.value.problems
    # no row names a column: the first row is shown as the header that was expected
    assert problem.line == 1
    assert problem.params == {
        "columns": "building, unit, room, area_m2",
        "found": "“1号楼” “1单元” “100” “80”",
        "delimiter": "“,”",
    }
    assert await household_count(sessions) == 0


# ---- other separators, and headers that are not what was expected -----------------------------


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
async def test_semicolon_tab_and_bar_separated_files_are_imported(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path, delimiter: str
) -> None:
    """Excel in a European locale saves CSV with ";"; database exports often use a tab."""
    courtyard_id = await make_courtyard(sessions, clock)
    path = write_csv(
        tmp_path / "homes.csv",
        "文化路5号院住户信息表",
        delimiter.join(HEADER.split(",")),
        delimiter.join(["1号楼", "1单元", "101", "86.5", "1", "张三", "13800138000"]),
        delimiter.join(["1号楼", "1单元", "102", "1,072.5", "0", "", ""]),
    )
    assert await import_file(sessions, courtyard_id, path) == ImportResult(2, 0, 0)
    assert [(h.room, h.area_centi_m2, h.owner_name) for h in await stored(sessions)] == [
        ("101", 8650, "张三"),
        ("102", 107250, None),
    ]


async def test_a_wrong_header_shows_what_was_expected_and_what_was_found(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        "楼;单元号;房间;面积(平方米)",
        "1号楼;1单元;101;80",
        "1号楼;1单元;102;80",
    )
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (
            1,
            "no header row: expected the columns building, unit, room, area_m2, found "
            "“楼” “单元号” “房间” “面积(平方米)” (columns separated by “;”)",
        )
    ]


async def test_an_empty_area_says_it_is_empty(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bad.csv", HEADER, "1号楼,1单元,101,80,0,,", "1号楼,1单元,102, ,0,,"
    )
    assert await rejected(sessions, courtyard_with_homes, path) == [(3, "area_m2 is empty")]


@pytest.mark.parametrize("phone", ["12345", "138001380001", "23800138000", "0371-123"])
async def test_a_phone_that_is_no_mainland_number_is_refused(
    sessions: async_sessionmaker[AsyncSession],
    courtyard_with_homes: int,
    tmp_path: Path,
    phone: str,
) -> None:
    path = write_csv(tmp_path / "bad.csv", HEADER, f"1号楼,1单元,101,80,0,张三,{phone}")
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (2, f"phone {phone} is not a mainland mobile or landline number")
    ]


async def test_phones_are_stored_one_way(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    courtyard_id = await make_courtyard(sessions, clock)
    path = write_csv(
        tmp_path / "homes.csv",
        HEADER,
        "1号楼,1单元,101,80,0,,138 0013 8000",
        "1号楼,1单元,102,80,0,,037112345678",
        "1号楼,1单元,103,80,0,,(010) 1234-5678",
    )
    await import_file(sessions, courtyard_id, path)
    assert [h.phone for h in await stored(sessions)] == [
        "13800138000",
        "0371-12345678",
        "010-12345678",
    ]


# ---- hostile files: a localized problem, never a traceback ------------------------------------


@pytest.mark.parametrize("parking", ["②", "²", "٣", "999999999999999999999"])
async def test_parking_that_looks_like_a_digit_is_refused(
    sessions: async_sessionmaker[AsyncSession],
    courtyard_with_homes: int,
    tmp_path: Path,
    parking: str,
) -> None:
    """ "②".isdigit() is true, but int("②") fails."""
    path = write_csv(tmp_path / "bad.csv", HEADER, f"1号楼,1单元,101,80,{parking},,")
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (2, f"parking_spots {parking} is not a whole number")
    ]


async def test_a_nul_byte_in_a_cell_is_refused(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bad.csv", HEADER, "1号楼,1单元,1\x0001,80,0,,", "1号楼,1单元,102,80,0,张\x00三,"
    )
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (2, "room contains a control character (such as NUL)"),
        (3, "owner_name contains a control character (such as NUL)"),
    ]


async def test_a_cell_longer_than_the_csv_limit_is_a_problem_on_its_line(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        "1号楼,1单元,101,80,0,,",
        "1号楼,1单元,102,80,0," + "x" * 140_000 + ",",
    )
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (3, "a cell is longer than 131072 characters")
    ]


async def test_a_long_value_is_shown_shortened(
    sessions: async_sessionmaker[AsyncSession], courtyard_with_homes: int, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bad.csv", HEADER, "1号楼,1单元,101," + "9" * 5000 + ",0,,")
    assert await rejected(sessions, courtyard_with_homes, path) == [
        (2, "area_m2 " + "9" * 40 + "… is not a positive number of m²")
    ]


@pytest.mark.parametrize("content", [b"", b"not a zip file", b"PK\x03\x04broken"])
async def test_an_xlsx_that_is_not_a_workbook_is_one_clear_problem(
    sessions: async_sessionmaker[AsyncSession],
    courtyard_with_homes: int,
    tmp_path: Path,
    content: bytes,
) -> None:
    path = tmp_path / "homes.xlsx"
    path.write_bytes(content)
    with pytest.raises(DomainError) as caught:
        await import_file(sessions, courtyard_with_homes, path)
    assert caught.value.message == "The file is not a readable .xlsx workbook."
    assert await household_count(sessions) == 2


async def test_a_reimport_across_batches_counts_and_writes_each_row_once(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    """Rows are written in batches: a select, one multi-row insert and one update each."""
    courtyard_id = await make_courtyard(sessions, clock)
    first = write_csv(
        tmp_path / "first.csv",
        HEADER,
        *[f"1号楼,1单元,{r},50,0,业主{r},13800138{r:03d}" for r in range(1, 8)],
    )
    await import_file(sessions, courtyard_id, first)
    second = write_csv(
        tmp_path / "second.csv",
        HEADER,
        *[
            f"1号楼,1单元,{r},{50 if r % 2 else 60},0,,13800138{r:03d}"
            if r <= 7
            else f"1号楼,1单元,{r},70,1,新业主,"
            for r in range(1, 11)
        ],
    )
    table = open_table(second)
    total = household_import.check(table)
    async with sessions() as session, session.begin():
        result = await household_import.save_rows(
            session, courtyard_id, household_import.household_rows(table), total=total, batch_size=3
        )
    # every one of rows 1-7 lost its owner's name; rows 2, 4, 6 were also re-measured
    assert result == ImportResult(created=3, updated=7, unchanged=0)
    homes = {int(h.room): h for h in await stored(sessions)}
    assert len(homes) == 10
    assert [homes[r].area_centi_m2 for r in range(1, 11)] == [5000, 6000] * 3 + [5000] + [7000] * 3
    assert {homes[r].owner_name for r in range(1, 8)} == {None}
    assert homes[3].phone == "13800138003"
    assert (homes[9].owner_name, homes[9].parking_spaces) == ("新业主", 1)
