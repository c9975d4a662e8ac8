"""The fee commands of `courtyard` end to end, as an operator at the terminal sees them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from test_cli import Cli, cli  # noqa: F401  (the `cli` fixture: a store in a temporary file)

from models import BillLine, FeePlan, Payment
from services.fees import periods

THIS_MONTH = periods.of(datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date())
LAST_MONTH = periods.shift(THIS_MONTH, -1)
PAID_ON = periods.first_day(THIS_MONTH).isoformat()


def courtyard_with_households(cli: Cli) -> None:  # noqa: F811
    assert cli("add", "纬三路13号院", "--code", "WSL").code == 0
    registry = cli.workdir / "homes.csv"
    registry.write_text(
        "building,unit,room,area_m2,parking_spots\n"
        "1号楼,1单元,101,86.50,1\n"
        "1号楼,1单元,102,62.33,0\n"
        "2号楼,,301,100,2\n",
        encoding="utf-8",
    )
    assert cli("import-households", str(registry), "--courtyard", "纬三路13号院").code == 0


def payments_csv(path: Path, *rows: str) -> Path:
    path.write_text(
        "\n".join(("building,unit,room,amount,method,paid_on,reference", *rows)) + "\n",
        encoding="utf-8",
    )
    return path


def test_plans_bills_payments_and_collection_from_the_terminal(cli: Cli) -> None:  # noqa: F811
    courtyard_with_households(cli)
    bad = cli(
        "fee-plan", "add", "纬三路13号院", "--name", "基础", "--rate-per-m2", "0.55555",
        "--per-parking", "40", "--from", LAST_MONTH,
    )  # fmt: skip
    assert bad.code == 1
    assert "4 decimals" in bad.err
    assert "Traceback" not in bad.err
    assert cli.count(FeePlan) == 0
    added = cli(
        "fee-plan", "add", "纬三路13号院", "--name", "基础服务", "--rate-per-m2", "0.55",
        "--per-parking", "40", "--from", LAST_MONTH,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "¥0.55 per m²" in added.out
    assert "¥40.00 per parking space" in added.out
    listing = cli("fee-plans", "纬三路13号院")
    assert f"from {LAST_MONTH}  基础服务" in listing.out

    ahead = cli("bills", "run", "--period", periods.shift(THIS_MONTH, 2))
    assert ahead.code == 1
    assert "at most one month ahead" in ahead.err
    run = cli("bills", "run", "--period", THIS_MONTH)
    assert run.code == 0, run.err
    assert f"纬三路13号院: 3 new bill lines for {THIS_MONTH} (3 households)." in run.out
    again = cli("bills", "run", "--period", THIS_MONTH, "--courtyard", "纬三路13号院")
    assert "纬三路13号院: 0 new bill lines" in again.out
    assert cli.count(BillLine) == 3
    # 86.50 × 0.55 + 40 = 87.575 → 87.58; 62.33 × 0.55 = 34.2815 → 34.28; 100 × 0.55 + 80 = 135
    amounts = sorted(
        a for (a,) in cli.query(BillLine.__table__.select().with_only_columns(BillLine.amount_fen))
    )  # type: ignore[attr-defined]
    assert amounts == [3428, 8758, 13500]

    broken = payments_csv(
        cli.workdir / "broken.csv",
        f"1号楼,1单元,101,87.58,微信,{PAID_ON},WX-1",
        f"1号楼,1单元,999,10,cash,{PAID_ON},",
        f"1号楼,1单元,102,0,cash,{PAID_ON},",
        f"1号楼,1单元,102,10.001,cash,{PAID_ON},",
        f"2号楼,,301,10,bitcoin,{PAID_ON},",
        "2号楼,,301,10,cash,2026-13-01,",
        f"2号楼,,301,10,cash,{PAID_ON},WX-1",
    )
    rejected = cli("payments", "import", str(broken), "--courtyard", "纬三路13号院")
    assert rejected.code == 1
    assert "6 problem(s)" in rejected.err
    for line in (3, 4, 5, 6, 7, 8):
        assert f"line {line}:" in rejected.err
    assert "line 2:" not in rejected.err
    assert cli.count(Payment) == 0

    good = payments_csv(
        cli.workdir / "good.csv",
        f"1号楼,1单元,101,87.58,微信,{PAID_ON},WX-1",
        f"2号楼,,301,200,bank_transfer,{PAID_ON},BANK-7",
    )
    dry = cli("payments", "import", str(good), "--courtyard", "纬三路13号院", "--dry-run")
    assert dry.code == 0
    assert "2 payment(s), ¥287.58" in dry.out
    assert "dry run" in dry.out
    assert cli.count(Payment) == 0
    done = cli("payments", "import", str(good), "--courtyard", "纬三路13号院")
    assert done.code == 0, done.err
    assert "WSL-R000001 … WSL-R000002" in done.out
    twice = cli("payments", "import", str(good), "--courtyard", "纬三路13号院")
    assert twice.code == 1
    assert "WX-1" in twice.err
    assert cli.count(Payment) == 2

    report = cli("collection", "--period", THIS_MONTH, "--format", "json")
    assert report.code == 0, report.err
    body = json.loads(report.out)
    assert body["courtyards"] == [
        {
            "courtyard": "纬三路13号院",
            "households_billed": 3,
            "households_paid": 2,
            "due_fen": 3428 + 8758 + 13500,
            "received_fen": 8758 + 13500,
            "arrears_due_fen": 0,
            "arrears_received_fen": 0,
            "rate_by_households": 0.6667,
            "rate_by_amount": 0.8665,
        }
    ]
    assert set(body["definitions"]) == {
        "rate_by_households",
        "rate_by_amount",
        "arrears_due_fen",
        "arrears_received_fen",
    }
    table = cli("collection", "--period", THIS_MONTH, "--courtyard", "纬三路13号院")
    assert "66.67%" in table.out
    assert "86.65%" in table.out
    assert "households that paid the period in full" in table.out
    csv_out = cli("collection", "--period", THIS_MONTH, "--format", "csv").out.splitlines()
    assert csv_out[0].startswith("courtyard,period,households_billed,households_paid,due_fen")
    assert csv_out[1].startswith(f"纬三路13号院,{THIS_MONTH},3,2,25686,22258,0,0,0.6667")
    # xlsx through the shared workbook: collection-YYYY-MM.xlsx where the operator is
    assert cli("collection", "--period", THIS_MONTH, "--format", "xlsx").code == 0
    default = cli.workdir / f"collection-{THIS_MONTH}.xlsx"
    sheet = cli.workdir / "rates.xlsx"
    assert (
        cli("collection", "--period", THIS_MONTH, "--format", "xlsx", "--output", str(sheet)).code
        == 0
    )

    from openpyxl import load_workbook

    assert default.read_bytes()[:2] == b"PK"
    book = load_workbook(sheet)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("courtyard", "period", "billed", "paid in full")
    assert rows[1][:4] == ("纬三路13号院", THIS_MONTH, 3, 2)
    # money as exact yuan from the fen, rates as the exact ratios, shown as percentages
    assert [round(v, 2) for v in rows[1][4:6]] == [256.86, 222.58]
    assert rows[1][8:10] == (0.6667, 0.8665)
    cells = book.worksheets[0]
    assert cells.cell(row=2, column=5).number_format == "0.00"
    assert cells.cell(row=2, column=9).number_format == "0.0%"
    assert rows[-1][0] == "all courtyards"
    assert rows[-1][2:4] == (3, 2)
    assert "households that paid the period in full" in str(
        list(book.worksheets[1].iter_rows(values_only=True))
    )
    malformed = cli("collection", "--period", "2026-1")
    assert malformed.code == 1
    assert "YYYY-MM" in malformed.err


def test_fee_reminder_stages_are_shown_and_changed_at_the_terminal(cli: Cli) -> None:  # noqa: F811
    courtyard_with_households(cli)
    shown = cli("fee-reminders", "纬三路13号院")
    assert shown.code == 0
    lines = shown.out.splitlines()[1:]
    assert [line.split()[0] for line in lines] == [
        "notice", "friendly", "overdue", "visit", "formal",
    ]  # fmt: skip
    changed = cli("fee-reminders", "纬三路13号院", "--stage", "friendly", "--day", "20")
    assert changed.code == 0
    assert "friendly" in changed.out
    assert "20" in next(line for line in changed.out.splitlines() if "friendly" in line)
    off = cli("fee-reminders", "纬三路13号院", "--stage", "overdue", "--off")
    overdue = next(line for line in off.out.splitlines() if line.startswith("overdue"))
    friendly = next(line for line in off.out.splitlines() if line.startswith("friendly"))
    assert overdue.split()[1] != friendly.split()[1]  # off, and the other still on
    refused = cli("fee-reminders", "纬三路13号院", "--stage", "friendly", "--day", "31")
    assert refused.code != 0
    assert "31" in refused.out + refused.err
