"""The fee commands of `courtyard`: fee-plan add, fee-plans, bills run, payments import,
collection. Imported by bot.cli; like it, nothing heavy is imported until a command runs."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import Settings
    from services.fees.collection import Collection

FORMATS = ("table", "csv", "json", "xlsx")
ROUNDINGS = ("half_up", "down", "up")
FIGURES = (
    "households_billed",
    "households_paid",
    "due_fen",
    "received_fen",
    "arrears_due_fen",
    "arrears_received_fen",
    "rate_by_households",
    "rate_by_amount",
)


def _(message: str) -> str:
    from bot.cli import _ as translate  # the terminal's catalog, set up by bot.cli.main

    return translate(message)


def add_parsers(sub: Any) -> None:
    plan = sub.add_parser("fee-plan", help="fee plans of a courtyard")
    plan_sub = plan.add_subparsers(dest="fee_plan_command", required=True)
    add = plan_sub.add_parser("add", help="add a fee plan taking effect from a month")
    add.add_argument("courtyard")
    add.add_argument("--name", required=True)
    add.add_argument("--rate-per-m2", required=True, help="yuan per m² per month, e.g. 0.50")
    add.add_argument("--per-parking", default="0", help="yuan per parking space per month")
    add.add_argument("--from", dest="from_period", required=True, help="YYYY-MM")
    add.add_argument("--rounding", choices=ROUNDINGS, default="half_up")
    plans = sub.add_parser("fee-plans", help="list a courtyard's fee plans")
    plans.add_argument("courtyard")
    bills = sub.add_parser("bills", help="monthly bills")
    bills_sub = bills.add_subparsers(dest="bills_command", required=True)
    run = bills_sub.add_parser("run", help="issue the bills of a month (safe to re-run)")
    run.add_argument("--period", required=True, help="YYYY-MM")
    run.add_argument("--courtyard", help="one courtyard (default: all)")
    pay = sub.add_parser("payments", help="payments")
    pay_sub = pay.add_subparsers(dest="payments_command", required=True)
    imp = pay_sub.add_parser("import", help="import payments from CSV or XLSX")
    imp.add_argument("file", type=Path)
    imp.add_argument("--courtyard", required=True)
    imp.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
    rate = sub.add_parser("collection", help="collection rates (收费率) of a month")
    rate.add_argument("--period", required=True, help="YYYY-MM")
    rate.add_argument("--courtyard", help="one courtyard (default: all)")
    rate.add_argument("--format", choices=FORMATS, default="table")
    rate.add_argument(
        "--output", type=Path, help="file to write (xlsx default: collection-YYYY-MM.xlsx)"
    )


def _local_today(settings: Settings) -> date:
    from services.clock import utc_now

    return utc_now().astimezone(ZoneInfo(settings.timezone)).date()


async def _with_store(settings: Settings, work: Callable[..., Any]) -> int:
    from bot.cli import _with_store as with_store

    result: int = await with_store(settings, work)
    return result


async def cmd_fee_plan(args: argparse.Namespace, settings: Settings) -> int:
    from models import Rounding
    from services import courtyards
    from services.clock import utc_now
    from services.fees import money, plans

    async def work(session: AsyncSession) -> int:
        courtyard = await courtyards.by_name(session, args.courtyard)
        plan = await plans.create(
            session,
            None,
            courtyard.id,
            name=args.name,
            rate=args.rate_per_m2,
            parking_fee=args.per_parking,
            from_period=args.from_period,
            now=utc_now(),
            rounding=Rounding(args.rounding),
            channel="cli",
        )
        print(
            _(
                "Added fee plan %(name)s for %(courtyard)s from %(period)s: ¥%(rate)s per m² "
                "per month, ¥%(parking)s per parking space per month."
            )
            % {
                "name": plan.name,
                "courtyard": courtyard.name,
                "period": plan.from_period,
                "rate": money.rate_text(plan.rate_per_m2),
                "parking": money.yuan(plan.parking_fee_fen),
            }
        )
        return 0

    return await _with_store(settings, work)


async def cmd_fee_plans(args: argparse.Namespace, settings: Settings) -> int:
    from services import courtyards
    from services.fees import money, plans

    async def work(session: AsyncSession) -> int:
        courtyard = await courtyards.by_name(session, args.courtyard)
        found = await plans.listing(session, courtyard.id)
        if not found:
            print(_("%(courtyard)s has no fee plan yet.") % {"courtyard": courtyard.name})
        for plan in found:
            print(
                _(
                    "from %(period)s  %(name)s  ¥%(rate)s per m² per month  ¥%(parking)s per "
                    "parking space  rounding: %(rounding)s"
                )
                % {
                    "period": plan.from_period,
                    "name": plan.name,
                    "rate": money.rate_text(plan.rate_per_m2),
                    "parking": money.yuan(plan.parking_fee_fen),
                    "rounding": plan.rounding.value,
                }
            )
        return 0

    return await _with_store(settings, work)


async def cmd_bills(args: argparse.Namespace, settings: Settings) -> int:
    from bot.schema import upgrade
    from models.db import create_engine, session_factory
    from services.clock import utc_now
    from services.fees import bills

    period = bills.check_period(args.period, _local_today(settings))
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)

    def progress(run: bills.CourtyardRun) -> None:
        if run.plan is None:
            text = _("%(courtyard)s: no fee plan in force for %(period)s, nothing billed.")
        else:
            text = _(
                "%(courtyard)s: %(issued)s new bill lines for %(period)s "
                "(%(households)s households)."
            )
        print(
            text
            % {
                "courtyard": run.courtyard,
                "period": run.period,
                "issued": run.issued,
                "households": run.households,
            },
            flush=True,
        )

    try:
        runs = await bills.run_period(
            session_factory(engine),
            period,
            utc_now(),
            courtyard_name=args.courtyard,
            progress=progress,
        )
    finally:
        await engine.dispose()
    print(
        _("Done: %(issued)s new bill lines in %(courtyards)s courtyard(s).")
        % {"issued": sum(r.issued for r in runs), "courtyards": len(runs)}
    )
    return 0


async def cmd_payments(args: argparse.Namespace, settings: Settings) -> int:
    from services import courtyards
    from services.clock import utc_now
    from services.fees import money, payment_import

    path: Path = args.file
    if not await asyncio.to_thread(path.is_file):
        print(_("No such file: %(path)s") % {"path": path}, file=sys.stderr)
        return 1
    table = await asyncio.to_thread(payment_import.read, path)
    today = _local_today(settings)

    async def work(session: AsyncSession) -> int:
        courtyard = await courtyards.by_name(session, args.courtyard)
        rows = await payment_import.check(session, courtyard.id, table, today)
        values = {
            "count": len(rows),
            "amount": money.yuan(sum(r.amount_fen for r in rows)),
            "courtyard": courtyard.name,
        }
        if args.dry_run:
            print(
                _(
                    "The file is fine: %(count)s payment(s), ¥%(amount)s in total, for "
                    "%(courtyard)s. Nothing was written (dry run)."
                )
                % values
            )
            return 0
        summary = await payment_import.save(
            session, courtyard.id, rows, today=today, now=utc_now(), policy=settings.policy()
        )
        receipts = f"{summary.receipts[0]} … {summary.receipts[-1]}" if summary.receipts else "-"
        print(
            _(
                "Recorded %(count)s payment(s), ¥%(amount)s in total, for %(courtyard)s; "
                "receipts %(receipts)s."
            )
            % {**values, "receipts": receipts}
        )
        return 0

    return await _with_store(settings, work)


def _figures(row: Collection) -> dict[str, Any]:
    def rate(value: object) -> float | None:
        return None if value is None else float(str(value))

    return {
        "households_billed": row.households_billed,
        "households_paid": row.households_paid,
        "due_fen": row.due_fen,
        "received_fen": row.received_fen,
        "arrears_due_fen": row.arrears_due_fen,
        "arrears_received_fen": row.arrears_received_fen,
        "rate_by_households": rate(row.rate_by_households),
        "rate_by_amount": rate(row.rate_by_amount),
    }


def collection_workbook(
    named: list[tuple[str, Collection]], period: str, definitions: dict[str, str]
) -> bytes:
    """The report as an XLSX workbook (views.documents.sheets): one row per courtyard, the
    total in bold, money in yuan from the fen, rates as percentages; the definitions beside."""
    from views.documents.sheets import Sheet, workbook

    header = [
        _("courtyard"),
        _("period"),
        _("billed"),
        _("paid in full"),
        _("due ¥"),
        _("received ¥"),
        _("arrears due ¥"),
        _("arrears received ¥"),
        _("by households"),
        _("by amount"),
    ]

    def cells(name: str, r: Collection) -> list[Any]:
        return [
            name,
            period,
            r.households_billed,
            r.households_paid,
            r.due_fen,
            r.received_fen,
            r.arrears_due_fen,
            r.arrears_received_fen,
            r.rate_by_households,
            r.rate_by_amount,
        ]

    rates = Sheet(
        title=period,
        header=header,
        rows=[cells(name, r) for name, r in named if r.courtyard_id is not None],
        money_columns=(4, 5, 6, 7),
        percent_columns=(8, 9),
        totals=cells(*named[-1]),
    )
    meaning = Sheet(
        title=_("definitions"),
        header=[_("figure"), _("definition")],
        rows=[[key, text] for key, text in definitions.items()],
    )
    return workbook([rates, meaning])


def render_collection(rows: list[Collection], period: str, form: str) -> str | bytes:
    """The report as text (table, csv, json) or an XLSX workbook's bytes."""
    from services.fees.collection import DEFINITIONS
    from services.fees.money import percent, yuan

    total_name = _("all courtyards")
    named = [(r.courtyard if r.courtyard_id is not None else total_name, r) for r in rows]
    definitions = {key: _(text) for key, text in DEFINITIONS.items()}
    if form == "json":
        body = {
            "period": period,
            "definitions": definitions,
            "courtyards": [
                {"courtyard": name, **_figures(r)} for name, r in named if r.courtyard_id
            ],
            "total": _figures(rows[-1]),
        }
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    header = ["courtyard", "period", *FIGURES]
    records = [[name, period, *_figures(r).values()] for name, r in named]
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in record] for record in records)
        return out.getvalue()
    if form == "xlsx":
        return collection_workbook(named, period, definitions)
    lines = [
        _("Collection rates for %(period)s") % {"period": period},
        "  ".join(
            [
                _("courtyard"),
                _("billed"),
                _("paid in full"),
                _("by households"),
                _("due ¥"),
                _("received ¥"),
                _("by amount"),
                _("arrears due ¥"),
                _("arrears received ¥"),
            ]
        ),
    ]
    for name, r in named:
        lines.append(
            "  ".join(
                [
                    name,
                    str(r.households_billed),
                    str(r.households_paid),
                    percent(r.rate_by_households),
                    yuan(r.due_fen),
                    yuan(r.received_fen),
                    percent(r.rate_by_amount),
                    yuan(r.arrears_due_fen),
                    yuan(r.arrears_received_fen),
                ]
            )
        )
    lines.append("")
    lines.extend(f"- {text}" for text in definitions.values())
    return "\n".join(lines) + "\n"


async def cmd_collection(args: argparse.Namespace, settings: Settings) -> int:
    from services import courtyards
    from services.fees import collection, periods

    period = periods.parse(args.period)
    if args.format == "xlsx" and args.output is None:
        args.output = Path(f"collection-{period}.xlsx")

    async def work(session: AsyncSession) -> int:
        ids = None
        if args.courtyard:
            ids = [(await courtyards.by_name(session, args.courtyard)).id]
        rows = await collection.report(session, None, period, ids)
        rendered = render_collection(rows, period, args.format)
        if args.output is not None:
            data = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
            await asyncio.to_thread(args.output.write_bytes, data)
        else:
            assert isinstance(rendered, str)
            sys.stdout.write(rendered)
        return 0

    return await _with_store(settings, work)


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], Any]] = {
    "fee-plan": cmd_fee_plan,
    "fee-plans": cmd_fee_plans,
    "bills": cmd_bills,
    "payments": cmd_payments,
    "collection": cmd_collection,
}
