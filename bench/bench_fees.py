"""Benchmark: the monthly bill run against a raw INSERT ... SELECT of the same rows, measured
in the same run (target: at most 2 ×), and the collection report for all courtyards (target:
under 1 s).

SQLite: 16 courtyards × 450 households; PostgreSQL (BENCH_POSTGRES_URL, when reachable; its
public schema is dropped and migrated again): 1,000 courtyards × 200 households. A third of the
households have a parking space. The raw statement bills period A for every courtyard in one
INSERT ... SELECT with no conflict handling, no adjustments and one commit; the bill run bills
period B the way `courtyard bills run` does (per courtyard: plan in force, INSERT ... SELECT ON
CONFLICT DO NOTHING with the adjustment join, event, credit check, commit). A re-run of B is
timed too (it writes nothing). Then two thirds of the households pay period B and the report is
timed (median of 5 after a warm-up).

Run: python bench/bench_fees.py [--database-url URL] [--courtyards N] [--households N]
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
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Date, bindparam, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.schema import upgrade  # noqa: E402
from models import BillLine, Courtyard, FeePlan, GovernanceKind, Household, Rounding  # noqa: E402
from models.base import UTCDateTime  # noqa: E402
from models.db import create_engine, session_factory  # noqa: E402
from services.fees import bills, collection  # noqa: E402

NOW = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)
RAW_PERIOD, RUN_PERIOD = "2026-10", "2026-11"
RATIO_TARGET = 2.0
REPORT_TARGET_S = 1.0
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"

RAW_BILLS = text(
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
    SELECT l.courtyard_id, l.household_id, l.id, 'B' || CAST(l.id AS VARCHAR(20)), 'cash',
        l.amount_fen, :paid_on, NULL, NULL, NULL, :now, 'bench'
    FROM bill_lines l WHERE l.period = :period AND l.household_id % 3 <> 0
    """
).bindparams(bindparam("now", type_=UTCDateTime()), bindparam("paid_on", type_=Date()))

ALLOCATE = text(
    """
    INSERT INTO payment_allocations (payment_id, bill_line_id, amount_fen, allocated_at)
    SELECT p.id, l.id, l.amount_fen, :now
    FROM payments p JOIN bill_lines l ON l.household_id = p.household_id AND l.period = :period
    """
).bindparams(bindparam("now", type_=UTCDateTime()))


async def prepare(url: str) -> None:
    if make_url(url).get_backend_name() == "postgresql":
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await upgrade(url)


async def seed(engine: AsyncEngine, yards: int, homes: int, from_period: str = RAW_PERIOD) -> None:
    """Courtyards, their households (a third with a parking space) and a fee plan from
    `from_period`; the bills benchmark and the My bills one share it."""
    async with engine.begin() as conn:
        await conn.execute(
            insert(Courtyard),
            [
                {
                    "name": f"楼院{i:04d}",
                    "code": f"B{i:04d}",
                    "governance": GovernanceKind.SERVICE_CENTER,
                    "invite_code": f"bench{i:06d}",
                    "created_at": NOW,
                }
                for i in range(yards)
            ],
        )
        ids = list(await conn.scalars(select(Courtyard.id).order_by(Courtyard.id)))
        await conn.execute(
            insert(FeePlan),
            [
                {
                    "courtyard_id": c,
                    "name": "基础服务",
                    "rate_per_m2": 5000 + (c % 3) * 500,
                    "parking_fee_fen": 4000,
                    "from_period": from_period,
                    "rounding": Rounding.HALF_UP,
                    "created_at": NOW,
                    "channel": "bench",
                }
                for c in ids
            ],
        )
        rows = [
            {
                "courtyard_id": c,
                "building": f"{n // 100 + 1}号楼",
                "unit": f"{n // 20 % 5 + 1}单元",
                "room": f"{n % 20 + 101}",
                "area_centi_m2": 4000 + (n * 137) % 9000,
                "parking_spaces": 1 if n % 3 == 0 else 0,
            }
            for c in ids
            for n in range(homes)
        ]
        for start in range(0, len(rows), 5000):
            await conn.execute(insert(Household), rows[start : start + 5000])
    maintenance = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(maintenance))


async def main(url: str, yards: int, homes: int) -> bool:
    await prepare(url)
    engine = create_engine(url)
    await seed(engine, yards, homes)
    sessions = session_factory(engine)
    started = time.perf_counter()
    async with engine.begin() as conn:
        raw_rows = (await conn.execute(RAW_BILLS, {"period": RAW_PERIOD, "now": NOW})).rowcount
    raw_s = time.perf_counter() - started
    started = time.perf_counter()
    runs = await bills.run_period(sessions, RUN_PERIOD, NOW)
    run_s = time.perf_counter() - started
    started = time.perf_counter()
    again = await bills.run_period(sessions, RUN_PERIOD, NOW)
    rerun_s = time.perf_counter() - started
    issued = sum(r.issued for r in runs)
    async with engine.begin() as conn:
        await conn.execute(PAY, {"period": RUN_PERIOD, "now": NOW, "paid_on": date(2026, 11, 10)})
        await conn.execute(ALLOCATE, {"period": RUN_PERIOD, "now": NOW})
    timings = []
    for attempt in range(6):
        async with sessions() as session:
            started = time.perf_counter()
            rows = await collection.report(session, None, RUN_PERIOD)
            if attempt:
                timings.append(time.perf_counter() - started)
    report_s = statistics.median(timings)
    async with sessions() as session:
        lines = await session.scalar(select(func.count()).select_from(BillLine))
    await engine.dispose()
    ratio = run_s / raw_s if raw_s else float("inf")
    total = rows[-1]
    print(
        f"store: {engine.dialect.name}; {yards} courtyards × {homes} households "
        f"({yards * homes} households, {lines} bill lines)"
    )
    print(f"raw INSERT ... SELECT   {raw_rows:>8} rows  {raw_s:8.3f} s")
    print(
        f"bill run                {issued:>8} rows  {run_s:8.3f} s  "
        f"{ratio:.2f} × raw  (target ≤ {RATIO_TARGET:.0f} ×)  "
        f"{'ok' if ratio <= RATIO_TARGET else 'MISSED'}"
    )
    rewritten = sum(r.issued for r in again)
    print(f"bill run again          {rewritten:>8} rows  {rerun_s:8.3f} s")
    print(
        f"collection report       {len(rows) - 1:>8} yards {report_s:8.3f} s  "
        f"(target < {REPORT_TARGET_S:.0f} s)  {'ok' if report_s < REPORT_TARGET_S else 'MISSED'}"
        f"  by households {total.rate_by_households}, by amount {total.rate_by_amount}"
    )
    return ratio <= RATIO_TARGET and report_s < REPORT_TARGET_S and issued == raw_rows


async def postgres_reachable(url: str) -> bool:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        return False
    finally:
        await engine.dispose()
    return True


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: SQLite, then PostgreSQL if reachable")
    parser.add_argument("--courtyards", type=int)
    parser.add_argument("--households", type=int)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            stores = [(args.database_url, args.courtyards or 16, args.households or 450)]
        else:
            stores = [(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}", 16, 450)]
            postgres = os.environ.get("BENCH_POSTGRES_URL", POSTGRES)
            if asyncio.run(postgres_reachable(postgres)):
                stores.append((postgres, args.courtyards or 1000, args.households or 200))
            else:
                print("PostgreSQL not reachable: skipped")
        for url, yards, homes in stores:
            ok &= asyncio.run(main(url, yards, homes))
            print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(cli())
