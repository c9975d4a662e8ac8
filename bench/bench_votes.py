"""Benchmark: the live tally of a 5,000-household vote (target: under 50 ms, median of 7 after a
warm-up), with the organizer's other reads timed beside it (the non-voters list, a group-card
sweep) and the cost of one ballot cast through the service (median of 200).

One courtyard of 5,000 invented households in 20 buildings (every tenth owner holds a second
unit, so the Art. 278 heads are fewer than the households); an Art. 278 matter-4 vote opened
through the service (its snapshot timed); ballots for about two thirds of the voters written in
one INSERT ... SELECT; then the reads. SQLite, and PostgreSQL when BENCH_POSTGRES_URL (default:
the `test` database on 127.0.0.1) is reachable: its public schema is dropped and migrated again.

Run: python bench/bench_votes.py [--database-url URL] [--households N]
Exits non-zero when a target is missed."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_fees import postgres_reachable, prepare  # noqa: E402

from models import BallotChannel, Courtyard, GovernanceKind, Household, VoteOption, VoteRule  # noqa: E402
from models.base import UTCDateTime  # noqa: E402
from models.db import create_engine, session_factory  # noqa: E402
from services.votes import casting, drafting, notices, tally  # noqa: E402
from services.votes.drafting import OptionDraft, VoteDraft  # noqa: E402

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
TALLY_TARGET_MS = 50.0
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"

BALLOTS = text(
    """
    INSERT INTO ballots (vote_id, voter_key, household_id, option_id, channel, cast_by,
        entered_by, proxy_name, photo_file_id, receipt_code, heads, area_centi_m2, cast_at)
    SELECT v.vote_id, v.voter_key, MIN(v.household_id),
        CASE WHEN MIN(v.household_id) % 3 = 0 THEN CAST(:option_b AS INTEGER)
            ELSE CAST(:option_a AS INTEGER) END,
        'paper', NULL, NULL, NULL, 'bench', 'B' || CAST(MIN(v.household_id) AS VARCHAR(11)), 1,
        SUM(v.area_centi_m2), :now
    FROM vote_voters v WHERE v.vote_id = :vote
    GROUP BY v.vote_id, v.voter_key
    HAVING MIN(v.household_id) % 10 < 7
    """
).bindparams(bindparam("now", type_=UTCDateTime()))


async def timed(work: Callable[[], Awaitable[Any]], rounds: int) -> float:
    await work()  # warm-up
    spans = []
    for _ in range(rounds):
        start = time.perf_counter()
        await work()
        spans.append((time.perf_counter() - start) * 1000)
    return statistics.median(spans)


async def main(url: str, homes: int) -> bool:
    await prepare(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    postgres = make_url(url).get_backend_name() == "postgresql"
    async with engine.begin() as conn:
        await conn.execute(
            insert(Courtyard),
            [{"name": "纬三路13号院", "code": "WSL", "governance": GovernanceKind.SERVICE_CENTER,
              "invite_code": "bench-votes", "created_at": NOW}],
        )  # fmt: skip
        courtyard_id = (await conn.execute(select(Courtyard.id))).scalar_one()
        await conn.execute(
            insert(Household),
            [
                {
                    "courtyard_id": courtyard_id,
                    "building": f"{i % 20 + 1}号楼",
                    "unit": f"{i % 3 + 1}单元",
                    "room": f"{i // 60 + 1:02d}{i % 3 + 1}",
                    "area_centi_m2": 5000 + (i * 373) % 7000,
                    "parking_spaces": i % 3 == 0,
                    # every tenth owner also owns the next unit
                    "owner_name": f"业主{i - 1 if i % 10 == 1 else i}",
                    "phone": f"139{(i - 1 if i % 10 == 1 else i):08d}",
                }
                for i in range(homes)
            ],
        )
    draft = VoteDraft(
        title="物业服务方案选择",
        options=[OptionDraft("方案一", "0.45", "40"), OptionDraft("方案二", "0.55", "80")],
        closes_at=NOW + timedelta(days=7),
        rule=VoteRule.ART278,
        matter=4,
    )
    start = time.perf_counter()
    async with sessions() as session, session.begin():
        vote_id = await drafting.create(session, None, courtyard_id, draft, now=NOW)
        vote = await drafting.open_vote(session, None, vote_id, NOW)
        heads = vote.total_heads
    opening_ms = (time.perf_counter() - start) * 1000
    async with sessions() as session, session.begin():
        a, b = await session.scalars(
            select(VoteOption.id).where(VoteOption.vote_id == vote_id).order_by(VoteOption.position)
        )
        await session.execute(BALLOTS, {"vote": vote_id, "option_a": a, "option_b": b, "now": NOW})
    if postgres:
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))

    async def live() -> tally.Tally:
        async with sessions() as session:
            return await tally.live(session, None, vote_id)

    async def waiting() -> int:
        async with sessions() as session:
            return len(await tally.non_voters(session, None, vote_id))

    async def cards() -> int:
        async with sessions() as session:
            written = await notices.refresh_cards(session, NOW + timedelta(minutes=1))
            await session.rollback()
            return written

    result = await live()
    tally_ms = await timed(live, 7)
    waiting_ms = await timed(waiting, 5)
    cards_ms = await timed(cards, 5)
    spans = []
    async with sessions() as session:
        free = list(
            await session.scalars(
                text(
                    "SELECT household_id FROM vote_voters v WHERE vote_id = :vote AND NOT EXISTS "
                    "(SELECT 1 FROM ballots b WHERE b.vote_id = v.vote_id AND "
                    "b.voter_key = v.voter_key) ORDER BY household_id LIMIT 200"
                ),
                {"vote": vote_id},
            )
        )
    for household_id in free:
        start = time.perf_counter()
        async with sessions() as session, session.begin():
            await casting.enter(
                session, None, vote_id, household_id, 2, NOW, channel=BallotChannel.IN_PERSON
            )
        spans.append((time.perf_counter() - start) * 1000)
    await engine.dispose()
    ok = tally_ms < TALLY_TARGET_MS
    print(f"store: {make_url(url).get_backend_name()}, {homes} households, {heads} Art. 278 heads")
    print(f"opening with its snapshot: {opening_ms:.0f} ms")
    print(
        f"live tally ({result.took_part.heads} ballots, 4 ratios, per building): "
        f"{tally_ms:.1f} ms (target < {TALLY_TARGET_MS:.0f} ms) {'ok' if ok else 'MISSED'}"
    )
    print(f"non-voters list: {waiting_ms:.1f} ms; group-card sweep: {cards_ms:.1f} ms")
    print(f"one ballot entered through the service: median {statistics.median(spans):.1f} ms")
    return ok


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: SQLite, then PostgreSQL if reachable")
    parser.add_argument("--households", type=int, default=5000)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            stores = [args.database_url]
        else:
            stores = [f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"]
            postgres = os.environ.get("BENCH_POSTGRES_URL", POSTGRES)
            if asyncio.run(postgres_reachable(postgres)):
                stores.append(postgres)
            else:
                print("PostgreSQL not reachable: skipped")
        for url in stores:
            ok &= asyncio.run(main(url, args.households))
            print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(cli())
