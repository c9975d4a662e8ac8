"""The ledger commands at the terminal: verify (and a tampered line named), export as XLSX,
PDF and CSV whose totals read back right (openpyxl, pypdf), post-fees."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import text
from test_cli import Cli, cli  # noqa: F401  (the `cli` fixture: a store in a temporary file)

from models import Category, EntryKind
from models.db import create_engine, session_factory, transaction
from services import courtyards
from services.ledger import booking

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
LINES = [
    (EntryKind.INCOME, Category.PROPERTY_FEES, 1_820_050, date(2026, 11, 5), "11月物业费"),
    (EntryKind.INCOME, Category.OTHER_INCOME, 3_000, date(2026, 11, 12), "废品回收"),
    (EntryKind.EXPENSE, Category.LIFTS, 128_000, date(2026, 11, 20), "2号电梯维修"),
    (EntryKind.EXPENSE, Category.CLEANING, 90_000, date(2026, 11, 1), "保洁服务"),
    (EntryKind.EXPENSE, Category.CLEANING, 5_555, date(2026, 10, 30), "上月保洁"),
]


def yuan(cell: object) -> object:
    """A money cell read back (openpyxl gives floats) as exact yuan to the fen."""
    if isinstance(cell, int | float):
        return Decimal(str(cell)).quantize(Decimal("0.01"))
    return cell


def seed(cli: Cli) -> None:  # noqa: F811
    assert cli("add", "都市A座", "--code", "DSA").code == 0

    async def run() -> None:
        engine = create_engine(cli.database_url)
        sessions = session_factory(engine)
        try:
            async with transaction(sessions) as session:
                courtyard = await courtyards.by_name(session, "都市A座")
                for kind, category, fen, day, words in LINES:
                    await booking.book(
                        session,
                        None,
                        courtyard.id,
                        booking.Draft(kind, category, fen, day, "对方", words),
                        today=date(2026, 11, 28),
                        now=NOW,
                    )
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_verify_export_and_a_tampered_line(cli: Cli) -> None:  # noqa: F811
    seed(cli)
    ok = cli("ledger", "verify")
    assert ok.code == 0, ok.err
    assert "都市A座: 5 entries verified" in ok.out

    out = cli.workdir / "nov.xlsx"
    made = cli(
        "ledger", "export", "--courtyard", "都市A座", "--month", "2026-11", "--output", str(out)
    )
    assert made.code == 0, made.err
    book = load_workbook(out)
    summary, lines = book.worksheets
    values = {row[1]: yuan(row[2]) for row in summary.iter_rows(min_row=2, values_only=True)}
    assert values["Income this month"] == Decimal("18230.50")
    assert values["Expenses this month"] == Decimal("2180.00")
    assert values["Balance of the month"] == Decimal("16050.50")
    assert values["Balance brought forward"] == Decimal("-55.55")
    assert values["Lifts"] == Decimal("1280.00")
    rows = list(lines.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4 + 1  # four November lines and the totals
    assert rows[-1][0] == "Total"
    assert (yuan(rows[-1][4]), yuan(rows[-1][5])) == (Decimal("18230.50"), Decimal("2180.00"))

    pdf_path = cli.workdir / "nov.pdf"
    assert cli(
        "ledger", "export", "--courtyard", "都市A座", "--month", "2026-11", "--format", "pdf",
        "--output", str(pdf_path),
    ).code == 0  # fmt: skip
    words = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages
    )
    assert "18230.50" in words
    assert "2180.00" in words
    assert "2号电梯维修" in words.replace("\n", "")  # a table cell may wrap

    as_csv = cli(
        "ledger", "export", "--courtyard", "都市A座", "--month", "2026-11", "--format", "csv"
    )
    assert as_csv.code == 0
    assert as_csv.out.splitlines()[-1] == "Total,,,,18230.50,2180.00,,"

    async def tamper() -> None:
        engine = create_engine(cli.database_url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP TRIGGER ledger_entries_no_update"))
            await conn.execute(text("UPDATE ledger_entries SET description = '改过' WHERE seq = 3"))
        await engine.dispose()

    asyncio.run(tamper())
    broken = cli("ledger", "verify", "--courtyard", "都市A座")
    assert broken.code == 1
    assert "BROKEN at entry #3" in broken.err


def test_export_needs_an_output_file_for_xlsx(cli: Cli) -> None:  # noqa: F811
    seed(cli)
    refused = cli("ledger", "export", "--courtyard", "都市A座", "--month", "2026-11")
    assert refused.code == 2
    assert "--output" in refused.err
    limit = cli("ledger", "threshold", "--courtyard", "都市A座", "--yuan", "5000")
    assert limit.code == 0, limit.err
    assert "above ¥5000.00" in limit.out
    assert cli("ledger", "threshold", "--courtyard", "都市A座", "--yuan", "0").code == 1
    posted = cli("ledger", "post-fees")
    assert posted.code == 0
    assert "Posted 0 fee income entries" in posted.out
