"""The ledger commands of `courtyard`: ledger verify, ledger export, ledger post-fees.
Imported by bot.cli; nothing heavy is imported until a command runs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import Settings

FORMATS = ("xlsx", "pdf", "csv")


def _(message: str) -> str:
    from bot.cli import _ as translate  # the terminal's catalog, set up by bot.cli.main

    return translate(message)


def add_parsers(sub: Any) -> None:
    ledger = sub.add_parser("ledger", help="courtyard accounts (账目)")
    ledger_sub = ledger.add_subparsers(dest="ledger_command", required=True)
    verify = ledger_sub.add_parser("verify", help="recompute every chain; name the first bad entry")
    verify.add_argument("--courtyard", help="one courtyard (default: all)")
    export = ledger_sub.add_parser("export", help="a month's figures and lines as a file")
    export.add_argument("--courtyard", required=True)
    export.add_argument("--month", required=True, help="YYYY-MM")
    export.add_argument("--format", choices=FORMATS, default="xlsx")
    export.add_argument("--output", type=Path, help="file to write (default: csv to stdout)")
    limit = ledger_sub.add_parser("threshold", help="expenses above this need an admin's approval")
    limit.add_argument("--courtyard", required=True)
    limit.add_argument("--yuan", required=True, help="e.g. 2000")
    post = ledger_sub.add_parser("post-fees", help="post fee income of the days that are over")
    post.add_argument("--until", help="post payments dated before this day (YYYY-MM-DD)")


async def cmd_ledger(args: argparse.Namespace, settings: Settings) -> int:
    handlers: dict[str, Callable[[argparse.Namespace, Settings], Any]] = {
        "verify": _verify,
        "export": _export,
        "post-fees": _post_fees,
        "threshold": _threshold,
    }
    result: int = await handlers[args.ledger_command](args, settings)
    return result


async def _with_store(settings: Settings, work: Callable[..., Any]) -> int:
    from bot.cli import _with_store as with_store

    result: int = await with_store(settings, work)
    return result


async def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from services import courtyards
    from services.ledger import chain, verification

    async def work(session: AsyncSession) -> int:
        if args.courtyard:
            found = await courtyards.by_name(session, args.courtyard)
            targets = [(found.id, found.name)]
        else:
            from sqlalchemy import select

            from models import Courtyard

            ids = await chain.courtyards_with_books(session)
            rows = await session.execute(
                select(Courtyard.id, Courtyard.name).where(Courtyard.id.in_(ids))
            )
            targets = sorted((int(i), str(n)) for i, n in rows)
        broken = 0
        for courtyard_id, name in targets:
            verdict = await verification.verify(session, courtyard_id)
            values = {
                "courtyard": name,
                "entries": verdict.entries,
                "seq": verdict.broken_seq,
                "problem": verdict.problem,
                "head": chain.short(verdict.head_hash),
            }
            if verdict.ok:
                print(_("%(courtyard)s: %(entries)s entries verified, head %(head)s.") % values)
            else:
                broken += 1
                print(
                    _("%(courtyard)s: BROKEN at entry #%(seq)s (%(problem)s).") % values,
                    file=sys.stderr,
                )
        if not targets:
            print(_("No courtyard has ledger entries yet."))
        return 1 if broken else 0

    return await _with_store(settings, work)


async def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.i18n import build_i18n
    from services import courtyards
    from services.clock import utc_now
    from services.ledger import disclosure
    from views.documents.errors import DocumentsUnavailable, explain
    from views.ledger import documents

    if args.format != "csv" and args.output is None:
        print(_("An xlsx or pdf file needs --output FILE."), file=sys.stderr)
        return 2
    i18n = build_i18n(settings.default_locale)

    async def work(session: AsyncSession) -> int:
        courtyard = await courtyards.by_name(session, args.courtyard)
        month = await disclosure.month_for_export(
            session, None, courtyard.id, args.month, now=utc_now()
        )
        with i18n.context(), i18n.use_locale(settings.default_locale):
            try:
                if args.format == "xlsx":
                    data: bytes = await asyncio.to_thread(documents.xlsx, month)
                elif args.format == "pdf":
                    data = await asyncio.to_thread(documents.pdf, month)
                else:
                    data = documents.csv_text(month).encode("utf-8")
            except DocumentsUnavailable as missing:
                print(explain(missing, _), file=sys.stderr)
                return 1
        if args.output is None:
            sys.stdout.write(data.decode("utf-8"))
        else:
            await asyncio.to_thread(args.output.write_bytes, data)
            print(_("Wrote %(path)s.") % {"path": args.output})
        return 0

    return await _with_store(settings, work)


async def _threshold(args: argparse.Namespace, settings: Settings) -> int:
    from services import courtyards
    from services.fees import money
    from services.ledger import booking

    async def work(session: AsyncSession) -> int:
        courtyard = await courtyards.by_name(session, args.courtyard)
        fen = money.amount_fen(args.yuan)
        await booking.set_threshold(session, None, courtyard.id, fen)
        print(
            _("%(courtyard)s: expenses above ¥%(amount)s now need an admin's approval.")
            % {"courtyard": courtyard.name, "amount": money.yuan(fen)}
        )
        return 0

    return await _with_store(settings, work)


async def _post_fees(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date

    from bot.schema import upgrade
    from models.db import create_engine, session_factory
    from services.clock import utc_now
    from services.ledger import fees

    until = date.fromisoformat(args.until) if args.until else None
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        done = await fees.post_all(
            session_factory(engine), utc_now(), ZoneInfo(settings.timezone), until=until
        )
    finally:
        await engine.dispose()
    print(
        _("Posted %(summaries)s fee income entries and %(reversals)s reversals.")
        % {
            "summaries": sum(p.summaries for p in done),
            "reversals": sum(p.reversals for p in done),
        }
    )
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], Any]] = {"ledger": cmd_ledger}
