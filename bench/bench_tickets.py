"""Benchmark: the database time of the queries behind 📋 My requests, /tickets and /stats in a
courtyard with 20,000 tickets (target: each under 50 ms).

The courtyard is 都市A座 with 446 households (rooms invented); its tickets are spread over
three years, most closed long ago, a hundred or so open, about 550 filed in the last 30 days.
Database time is the sum of cursor executions (SQLAlchemy before/after_cursor_execute), as the
median of several runs after warm-up. After seeding, the tables are analyzed (and vacuumed on
PostgreSQL), as autovacuum would have done to a settled table. --days 30 puts all 20,000
tickets into the /stats window: a stress case far beyond a real courtyard.

Run: python bench/bench_tickets.py [--database-url URL] [--tickets 20000] [--runs 15]
Without a URL it uses a fresh SQLite file. A PostgreSQL URL must name a database for the bench
alone: its public schema is dropped and migrated again. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.schema import upgrade  # noqa: E402
from models import (  # noqa: E402
    Household,
    Location,
    Membership,
    MembershipStatus,
    Relation,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketStatus,
    Urgency,
    User,
)
from models.db import create_engine, session_factory  # noqa: E402
from services import courtyards  # noqa: E402
from services.access import Actor, Grant, Role  # noqa: E402
from services.tickets import queries, stats  # noqa: E402

TARGET_MS = 50.0
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)
RECENT_STATUSES = [
    (TicketStatus.NEW, 10),
    (TicketStatus.CLAIMED, 10),
    (TicketStatus.IN_PROGRESS, 15),
    (TicketStatus.ON_HOLD, 5),
    (TicketStatus.REOPENED, 2),
    (TicketStatus.RESOLVED, 18),
    (TicketStatus.CLOSED, 35),
    (TicketStatus.CANCELLED, 5),
]


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


def households(courtyard_id: int) -> list[dict[str, Any]]:
    """A tower of small rented flats: A座, 2 units, 28 floors, 8 rooms a floor (446 of them)."""
    rows = [
        {
            "courtyard_id": courtyard_id,
            "building": "A座",
            "unit": unit,
            "room": f"{floor}{door:02d}",
            "area_centi_m2": 3500 + door * 150,
            "parking_spaces": 0,
        }
        for unit in ("1单元", "2单元")
        for floor in range(1, 29)
        for door in range(1, 9)
    ]
    return rows[:446]


def ticket_rows(
    count: int,
    courtyard_id: int,
    code: str,
    homes: list[int],
    users: list[int],
    rng: random.Random,
    days: int,
) -> list[dict[str, Any]]:
    rows = []
    categories = list(TicketCategory)
    statuses, weights = zip(*RECENT_STATUSES, strict=True)
    start = NOW - days * DAY
    created = sorted(start + (NOW - start) * rng.random() for _ in range(count))
    for seq, at in enumerate(created, start=1):
        urgent = rng.random() < 0.1
        claim_window = 30 if urgent else 240
        resolve_window = 24 * 60 if urgent else 72 * 60
        age = NOW - at
        if age > 14 * DAY:
            status = TicketStatus.CANCELLED if rng.random() < 0.05 else TicketStatus.CLOSED
        else:
            status = rng.choices(statuses, weights)[0]
        claim_due = at + timedelta(minutes=claim_window)
        resolve_due = at + timedelta(minutes=resolve_window)
        row: dict[str, Any] = {
            "courtyard_id": courtyard_id,
            "household_id": rng.choice(homes),
            "seq": seq,
            "number": f"{code}-{seq:04d}",
            "reporter_id": rng.choice(users),
            "on_behalf": False,
            "channel": "telegram",
            "category": rng.choice(categories),
            "urgency": Urgency.URGENT if urgent else Urgency.NORMAL,
            "description": "楼道灯不亮",
            "location": Location.HOME,
            "place": "",
            "status": status,
            "version": 3,
            "created_at": at,
            "claim_window_minutes": claim_window,
            "resolve_window_minutes": resolve_window,
            "claim_due_at": claim_due,
            "resolve_due_at": resolve_due,
            "reopen_count": 0,
            "alert_round": 0,
            "next_alert_at": None,
        }
        if status not in (TicketStatus.NEW, TicketStatus.CANCELLED):
            claim = timedelta(minutes=rng.uniform(5, 60) if urgent else rng.uniform(10, 480))
            row.update(
                assignee_id=rng.choice(users[:5]),
                claimed_at=at + claim,
                claim_seconds=int(claim.total_seconds()),
            )
        if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            fix = timedelta(hours=rng.uniform(1, 30) if urgent else rng.uniform(2, 100))
            row.update(
                resolved_at=at + fix,
                resolve_seconds=int(fix.total_seconds()),
                resolved_in_time=at + fix <= resolve_due,
                resolution_note="修好了",
            )
            if status is TicketStatus.CLOSED:
                row["closed_at"] = at + fix + DAY
                if rng.random() < 0.6:
                    row.update(rating=rng.choice([3, 4, 4, 5, 5, 5]), rated_at=at + fix + DAY)
        elif status is TicketStatus.CANCELLED:
            row["cancelled_at"] = at + timedelta(minutes=20)
        elif status is TicketStatus.NEW:
            row["next_alert_at"] = claim_due
        elif status is TicketStatus.ON_HOLD:
            row.update(held_at=at + DAY, hold_until=NOW + 2 * DAY, hold_reason="等配件")
        rows.append(row)
    # every column in every row, so one executemany covers them all
    columns = {key for row in rows for key in row}
    return [{key: row.get(key) for key in columns} for row in rows]


async def seed(engine: AsyncEngine, count: int, days: int) -> tuple[Actor, Actor, int]:
    rng = random.Random(20261128)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        yard = await courtyards.create_courtyard(session, "都市A座", NOW, code="DSA")
        await session.execute(insert(Household), households(yard.id))
        homes = list((await session.scalars(text("SELECT id FROM households"))).all())
        await session.execute(
            insert(User),
            [
                {"name": f"居民{i}", "telegram_id": 8_000_000 + i, "created_at": NOW}
                for i in range(600)
            ],
        )
        users = list((await session.scalars(text("SELECT id FROM users ORDER BY id"))).all())
        await session.execute(
            insert(Membership),
            [
                {
                    "user_id": user,
                    "household_id": homes[i % len(homes)],
                    "relation": Relation.TENANT,
                    "status": MembershipStatus.APPROVED,
                    "requested_at": NOW,
                    "channel": "telegram",
                }
                for i, user in enumerate(users)
            ],
        )
        rows = ticket_rows(count, yard.id, yard.code, homes, users, rng, days)
        for start in range(0, len(rows), 2000):
            await session.execute(insert(Ticket), rows[start : start + 2000])
        await session.execute(insert(TicketCounter), [{"courtyard_id": yard.id, "last": count}])
        busiest = rows[-1]["household_id"]
        yard_id = yard.id
    # what autovacuum would have done to a settled table: planner statistics, and on
    # PostgreSQL the visibility map that lets index-only scans skip the heap
    maintenance = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(maintenance))
    resident = Actor(user_id=users[0], name="居民", households={busiest: yard_id})
    leader = Actor(
        user_id=users[1], name="网格长", grants=frozenset({Grant(Role.GRID_LEADER, yard_id)})
    )
    return resident, leader, yard_id


async def measure(
    engine: AsyncEngine,
    timer: DatabaseTimer,
    call: Callable[[AsyncSession], Awaitable[Any]],
    runs: int,
) -> tuple[list[float], list[float], int]:
    sessions = session_factory(engine)
    db_ms, wall_ms, statements = [], [], 0
    for run in range(runs + 2):
        async with sessions() as session:
            timer.reset()
            started = time.perf_counter()
            await call(session)
            wall = (time.perf_counter() - started) * 1000
            await session.rollback()
        if run >= 2:  # warm-up runs fill caches and prepare statements
            db_ms.append(timer.total * 1000)
            wall_ms.append(wall)
            statements = timer.statements
    return db_ms, wall_ms, statements


async def prepare(url: str) -> None:
    if make_url(url).get_backend_name() == "postgresql":
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await upgrade(url)


async def main(url: str, count: int, runs: int, days: int) -> int:
    await prepare(url)
    engine = create_engine(url)
    started = time.perf_counter()
    resident, leader, yard = await seed(engine, count, days)
    seeded = time.perf_counter() - started
    timer = DatabaseTimer(engine)
    checks: list[tuple[str, Callable[[AsyncSession], Awaitable[Any]]]] = [
        ("📋 My requests", lambda s: queries.my_requests(s, resident, NOW)),
        ("/tickets", lambda s: queries.open_tickets(s, leader, yard, NOW)),
        ("/stats", lambda s: stats.summary(s, leader, yard, NOW)),
    ]
    backend = engine.dialect.name
    print(
        f"store: {backend}; {count} tickets in one courtyard over {days} days, "
        f"seeded in {seeded:.1f} s"
    )
    print(
        f"{'view':<16}{'queries':>8}{'db median':>11}{'db p95':>9}{'db max':>9}"
        f"{'wall median':>13}  < 50 ms"
    )
    failed = False
    for name, call in checks:
        db_ms, wall_ms, statements = await measure(engine, timer, call, runs)
        median = statistics.median(db_ms)
        p95 = sorted(db_ms)[max(0, round(0.95 * len(db_ms)) - 1)]
        ok = median < TARGET_MS
        failed |= not ok
        print(
            f"{name:<16}{statements:>8}{median:>9.2f}ms{p95:>7.2f}ms{max(db_ms):>7.2f}ms"
            f"{statistics.median(wall_ms):>11.2f}ms  {'ok' if ok else 'MISSED'}"
        )
    await engine.dispose()
    return 1 if failed else 0


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--days",
        default="1095,30",
        help="spread the tickets over this many days; a comma-separated list runs each "
        "(default: three years, then the stress case of all in the /stats window)",
    )
    args = parser.parse_args()
    failed = 0
    for days in (int(d) for d in str(args.days).split(",")):
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            failed |= asyncio.run(main(url, args.tickets, args.runs, days))
        print()
    print(f"target: each view under {TARGET_MS:.0f} ms of database time (median)")
    return failed


if __name__ == "__main__":
    sys.exit(cli())
