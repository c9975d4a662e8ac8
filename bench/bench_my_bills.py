"""Benchmark: 💰 My bills with three years of history, database time per request (target: under
50 ms), on 16 courtyards × 450 households with 36 months billed.

Two thirds of the households paid every month (one payment per month, allocated to its line);
the others paid nothing in three years (36 months open). A request is what one tap does: the
resident's homes, the statement (breakdown, arrears, total, credit), and separately the first
page of past payments. Database time is the sum of cursor executions (SQLAlchemy
before/after_cursor_execute), the median of several runs after warm-up. The store is seeded with
set-based SQL (one INSERT ... SELECT per month), then analyzed (and vacuumed on PostgreSQL).

Run: python bench/bench_my_bills.py [--database-url URL] [--courtyards 16] [--households 450]
Without a URL: a fresh SQLite file, then PostgreSQL when TEST_DATABASE_URL (or
BENCH_POSTGRES_URL) is set and reachable; its public schema is dropped and migrated again, so it
must name a database for the bench alone. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, bindparam, event, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench_fees  # noqa: E402

from models import (  # noqa: E402
    BillLine,
    Household,
    Payment,
)
from models.base import UTCDateTime  # noqa: E402
from models.db import create_engine, session_factory  # noqa: E402
from services.access import Actor  # noqa: E402
from services.fees import periods, statements  # noqa: E402

TARGET_MS = 50.0
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 28)
LAST = "2026-11"
MONTHS = 36

BILLS = text(
    """
    INSERT INTO bill_lines (courtyard_id, household_id, item, period, plan_id, area_centi_m2,
        rate_per_m2, parking_spaces, parking_fee_fen, adjustment_id, adjustment_percent,
        rounding, amount_fen, issued_at)
    SELECT h.courtyard_id, h.id, 'property', :period, p.id, h.area_centi_m2, p.rate_per_m2,
        h.parking_spaces, p.parking_fee_fen, NULL, 100, p.rounding,
        (CAST(h.area_centi_m2 AS BIGINT) * p.rate_per_m2
         + CAST(h.parking_spaces AS BIGINT) * p.parking_fee_fen * 10000 + 5000) / 10000,
        :now
    FROM households h JOIN fee_plans p ON p.courtyard_id = h.courtyard_id
    """
).bindparams(bindparam("now", type_=UTCDateTime()))

PAY = text(
    """
    INSERT INTO payments (courtyard_id, household_id, receipt_seq, receipt_number, method,
        amount_fen, paid_on, reference, note, recorded_by, recorded_at, channel)
    SELECT l.courtyard_id, l.household_id, l.id, 'B' || CAST(l.id AS VARCHAR(20)), 'wechat',
        l.amount_fen, :paid_on, NULL, NULL, NULL, :now, 'bench'
    FROM bill_lines l WHERE l.period = :period AND l.household_id % 3 <> 0
    """
).bindparams(bindparam("now", type_=UTCDateTime()), bindparam("paid_on", type_=Date()))

ALLOCATE = text(
    """
    INSERT INTO payment_allocations (payment_id, bill_line_id, amount_fen, allocated_at)
    SELECT p.id, l.id, l.amount_fen, :now
    FROM payments p JOIN bill_lines l ON l.id = p.receipt_seq
    WHERE l.period = :period
    """
).bindparams(bindparam("now", type_=UTCDateTime()))


class DatabaseTimer:
    """Sums the time spent in cursor executions on an engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.total = 0.0
        self.statements = 0
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._before)
        event.listen(sync, "after_cursor_execute", self._after)

    def _before(self, conn: Any, *_args: Any) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn: Any, *_args: Any) -> None:
        self.total += time.perf_counter() - conn.info["bench_started"].pop()
        self.statements += 1

    def reset(self) -> None:
        self.total = 0.0
        self.statements = 0


async def seed(engine: AsyncEngine, yards: int, homes: int) -> None:
    first = periods.shift(LAST, -(MONTHS - 1))
    await bench_fees.seed(engine, yards, homes, from_period=first)
    for month in range(MONTHS):
        period = periods.shift(first, month)
        paid_on = periods.first_day(period).replace(day=10)
        async with engine.begin() as conn:
            await conn.execute(BILLS, {"period": period, "now": NOW})
            await conn.execute(PAY, {"period": period, "now": NOW, "paid_on": paid_on})
            await conn.execute(ALLOCATE, {"period": period, "now": NOW})
    maintenance = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(maintenance))


async def measure(
    engine: AsyncEngine,
    timer: DatabaseTimer,
    call: Callable[[AsyncSession], Awaitable[Any]],
    runs: int,
) -> tuple[list[float], int]:
    sessions = session_factory(engine)
    db_ms, statements_run = [], 0
    for run in range(runs + 2):
        async with sessions() as session:
            timer.reset()
            await call(session)
            await session.rollback()
        if run >= 2:  # warm-up runs fill caches and prepare statements
            db_ms.append(timer.total * 1000)
            statements_run = timer.statements
    return db_ms, statements_run


async def main(url: str, yards: int, homes: int, runs: int) -> bool:
    await bench_fees.prepare(url)
    engine = create_engine(url)
    started = time.perf_counter()
    await seed(engine, yards, homes)
    seeded = time.perf_counter() - started
    sessions = session_factory(engine)
    async with sessions() as session:
        lines = await session.scalar(select(func.count()).select_from(BillLine))
        payments = await session.scalar(select(func.count()).select_from(Payment))
        middle = await session.scalar(
            select(Household.id).order_by(Household.id).offset(yards * homes // 2).limit(1)
        )
        assert middle is not None
        paying, owing = (middle + 1, middle) if middle % 3 == 0 else (middle, middle - middle % 3)
        found = await session.execute(select(Household.id, Household.courtyard_id))
        homes_of = dict(found.tuples().all())

    def resident(household_id: int) -> Actor:
        return Actor(user_id=1, name="居民", households={household_id: homes_of[household_id]})

    async def my_bills(session: AsyncSession, household_id: int) -> None:
        who = resident(household_id)
        await statements.homes(session, who)
        await statements.statement(session, who, household_id, today=TODAY)

    async def history(session: AsyncSession, household_id: int) -> None:
        await statements.history(session, resident(household_id), household_id)

    timer = DatabaseTimer(engine)
    checks: list[tuple[str, Callable[[AsyncSession], Awaitable[Any]]]] = [
        ("💰 My bills, paid monthly", lambda s: my_bills(s, paying)),
        ("💰 My bills, 36 months owed", lambda s: my_bills(s, owing)),
        ("🧾 Past payments, page 1", lambda s: history(s, paying)),
    ]
    print(
        f"store: {engine.dialect.name}; {yards} courtyards × {homes} households, {MONTHS} months: "
        f"{lines} bill lines, {payments} payments; seeded in {seeded:.1f} s"
    )
    print(f"{'request':<30}{'queries':>8}{'db median':>11}{'db max':>9}  < {TARGET_MS:.0f} ms")
    ok = True
    for name, call in checks:
        db_ms, count = await measure(engine, timer, call, runs)
        median = statistics.median(db_ms)
        ok &= median < TARGET_MS
        print(
            f"{name:<30}{count:>8}{median:>9.2f}ms{max(db_ms):>7.2f}ms  "
            f"{'ok' if median < TARGET_MS else 'MISSED'}"
        )
    await engine.dispose()
    return ok


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: SQLite, then PostgreSQL if given")
    parser.add_argument("--courtyards", type=int, default=16)
    parser.add_argument("--households", type=int, default=450)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        stores = [args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"]
        postgres = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL")
        if not args.database_url and postgres:
            if asyncio.run(bench_fees.postgres_reachable(postgres)):
                stores.append(postgres)
            else:
                print("PostgreSQL not reachable: skipped")
        for url in stores:
            ok &= asyncio.run(main(url, args.courtyards, args.households, args.runs))
            print()
    print(f"target: each request under {TARGET_MS:.0f} ms of database time (median)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(cli())
