"""Benchmark: a courtyard with 100,000 ledger lines. Verifying its whole chain and computing a
month's report (figures and detailed lines) must each take under 1 s.

The lines are hashed with the real chain code (services.ledger.chain) and written in bulk:
mostly small expenses and income over about eight years, every tenth line with an evidence
photo, the expenses above the threshold approved. Timed: `chain.verify` (median of 3) and
`report.month_figures` + `report.month_lines` for the busiest month (median of 5 after a
warm-up).

SQLite by default (a temporary file); PostgreSQL too when BENCH_POSTGRES_URL is set (its
public schema is dropped and migrated again: give it a database of its own).

Run: python bench/bench_ledger.py [--database-url URL] [--lines N]
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.schema import upgrade  # noqa: E402
from models import (  # noqa: E402
    Category,
    Courtyard,
    Decision,
    EntryKind,
    EntrySource,
    EvidenceKind,
    GovernanceKind,
    LedgerApproval,
    LedgerBook,
    LedgerEntry,
    LedgerEvidence,
    User,
)
from models.db import create_engine, session_factory  # noqa: E402
from models.ledger import GENESIS  # noqa: E402
from services.fees import periods  # noqa: E402
from services.ledger import chain, report, verification  # noqa: E402

TARGET_S = 1.0
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
FIRST_DAY = date(2018, 12, 1)
EXPENSES = [
    Category.CLEANING,
    Category.SECURITY,
    Category.REPAIRS,
    Category.LIFTS,
    Category.UTILITIES,
    Category.WAGES,
]
CHUNK = 5000


async def prepare(url: str) -> None:
    if make_url(url).get_backend_name() == "postgresql":
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await upgrade(url)


def lines(courtyard_id: int, count: int, clerk: int) -> tuple[list[dict], list[dict], list[int]]:
    """Entry rows (hashed in order), evidence rows by seq, and the seqs to approve."""
    entries: list[dict] = []
    evidence: list[dict] = []
    approve: list[int] = []
    prev = GENESIS
    days = (NOW.date() - FIRST_DAY).days
    for seq in range(1, count + 1):
        day = FIRST_DAY + timedelta(days=(seq * days) // count)
        income = seq % 3 == 0
        kind = EntryKind.INCOME if income else EntryKind.EXPENSE
        category = Category.PROPERTY_FEES if income else EXPENSES[seq % len(EXPENSES)]
        amount = 50_000 + (seq * 7919) % 400_000 if income else 1_000 + (seq * 104_729) % 250_000
        needs = not income and amount > 200_000
        proof = (
            (chain.Evidence(EvidenceKind.PHOTO, f"AgACAgUAAx-photo-{seq}"),)
            if seq % 10 == 0
            else ()
        )
        content = chain.Content(
            courtyard_id=courtyard_id,
            seq=seq,
            kind=kind,
            category=category,
            amount_fen=amount,
            booked_on=day,
            counterparty="郑州某服务公司" if not income else "cash",
            description=f"第{seq}笔 日常收支",
            source=EntrySource.FEES if income else EntrySource.MANUAL,
            entered_by=None if income else clerk,
            created_at=NOW - timedelta(seconds=count - seq),
            needs_approval=needs,
            evidence=proof,
        )
        hashed = chain.entry_hash(prev, content)
        entries.append(
            {
                "courtyard_id": courtyard_id,
                "seq": seq,
                "kind": kind,
                "category": category,
                "amount_fen": amount,
                "booked_on": day,
                "counterparty": content.counterparty,
                "description": content.description,
                "source": content.source,
                "entered_by": content.entered_by,
                "created_at": content.created_at,
                "reverses_entry_id": None,
                "reason": None,
                "needs_approval": needs,
                "dedupe_key": None,
                "prev_hash": prev,
                "hash": hashed,
            }
        )
        evidence.extend({"seq": seq, "kind": e.kind, "file_id": e.file_id} for e in proof)
        if needs:
            approve.append(seq)
        prev = hashed
    return entries, evidence, approve


async def seed(url: str, count: int) -> tuple[int, str]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        courtyard = Courtyard(
            name="都市A座",
            code="DSA",
            governance=GovernanceKind.SERVICE_CENTER,
            invite_code="bench-dsa",
            created_at=NOW,
        )
        clerk = User(name="钱会计", created_at=NOW)
        admin = User(name="服务中心", created_at=NOW)
        session.add_all([courtyard, clerk, admin])
        await session.flush()
        cid, clerk_id, admin_id = courtyard.id, clerk.id, admin.id
    entries, evidence, approve = lines(cid, count, clerk_id)
    async with sessions() as session, session.begin():
        for start in range(0, len(entries), CHUNK):
            await session.execute(insert(LedgerEntry), entries[start : start + CHUNK])
        ids = dict((await session.execute(select(LedgerEntry.seq, LedgerEntry.id))).tuples().all())
        hashes = {e["seq"]: e["hash"] for e in entries}
        rows = [
            {"entry_id": ids[e["seq"]], "kind": e["kind"], "file_id": e["file_id"]}
            for e in evidence
        ]
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(LedgerEvidence), rows[start : start + CHUNK])
        decisions = [
            {
                "entry_id": ids[seq],
                "courtyard_id": cid,
                "decision": Decision.APPROVED,
                "decided_by": admin_id,
                "decided_at": NOW,
                "note": "",
                "hash": chain.approval_hash(hashes[seq], ids[seq], "approved", admin_id, NOW, ""),
            }
            for seq in approve
        ]
        for start in range(0, len(decisions), CHUNK):
            await session.execute(insert(LedgerApproval), decisions[start : start + CHUNK])
        session.add(LedgerBook(courtyard_id=cid, last_seq=count, last_hash=entries[-1]["hash"]))
    month = Counter(periods.of(e["booked_on"]) for e in entries).most_common(1)[0][0]
    await engine.dispose()
    return cid, month


async def timed(work, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


async def main(url: str, count: int) -> bool:
    await prepare(url)
    store = make_url(url).get_backend_name()
    started = time.perf_counter()
    cid, month = await seed(url, count)
    print(f"{store}: {count:,} ledger lines written in {time.perf_counter() - started:.1f} s")
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:

        async def verify() -> object:
            async with sessions() as session:
                return await verification.verify(session, cid)

        async def month_report() -> object:
            async with sessions() as session:
                figures = await report.month_figures(session, cid, month)
                found = await report.month_lines(session, cid, month)
                return figures, len(found)

        verify_s, verdict = await timed(verify, 3)
        await month_report()  # warm-up
        report_s, (figures, shown) = await timed(month_report, 5)  # type: ignore[misc]
    finally:
        await engine.dispose()
    assert getattr(verdict, "ok", False), verdict
    ok_verify, ok_report = verify_s < TARGET_S, report_s < TARGET_S
    print(
        f"  verify the chain of {getattr(verdict, 'entries', 0):,} lines: {verify_s:.3f} s "
        f"(target < {TARGET_S:.0f} s)  {'ok' if ok_verify else 'MISSED'}"
    )
    print(
        f"  month report {month} ({figures.lines} lines counted, {shown} shown, running balance "
        f"{figures.closing_fen} fen): {report_s:.3f} s (target < {TARGET_S:.0f} s)  "
        f"{'ok' if ok_report else 'MISSED'}"
    )
    return ok_verify and ok_report


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: SQLite, and BENCH_POSTGRES_URL if set")
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            stores = [args.database_url]
        else:
            stores = [f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"]
            if os.environ.get("BENCH_POSTGRES_URL"):
                stores.append(os.environ["BENCH_POSTGRES_URL"])
            else:
                print("PostgreSQL: set BENCH_POSTGRES_URL (a database of its own) to run there too")
        for url in stores:
            ok &= asyncio.run(main(url, args.lines))
            print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(cli())
