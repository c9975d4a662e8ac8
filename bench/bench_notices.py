"""Benchmarks of notices.

1. Writing the outbox rows of a notice to 10,000 recipients (one courtyard of 10,000
   households, one member each, all on Telegram): the database time of the fan-out (one
   INSERT ... SELECT of the letters for everyone in scope), target < 1 s; and of the whole
   发送 (with the group post, the household counts and the unreachable list), printed. On
   SQLite, and on PostgreSQL when BENCH_POSTGRES_URL (default the local test database) can be
   reached.
2. A notice to all 446 households of 都市A座 (600 members) plus its residents' group, delivered
   by the outbox sender through the sandbox with Telegram's limits on: every message delivered,
   sustained rate >= 95% of the configured overall rate, zero 429s.

All data is invented. Run: python bench/bench_notices.py (or `make bench`). Exits non-zero
when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import assemble  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.schema import upgrade  # noqa: E402
from models import (  # noqa: E402
    GroupChat,
    GroupKind,
    Household,
    Membership,
    MembershipStatus,
    OutboxMessage,
    OutboxStatus,
    Relation,
    User,
)
from models.db import create_engine, session_factory  # noqa: E402
from sandbox import Sandbox, SandboxLimits  # noqa: E402
from services import audiences, courtyards, outbox, people, roles  # noqa: E402
from services.access import Actor, Role  # noqa: E402
from services.audiences import Scope  # noqa: E402
from services.notices import compose, lifecycle  # noqa: E402
from services.notices.compose import Draft  # noqa: E402
from services.notices.messages import NoticeInfo, NoticeLetter  # noqa: E402
from services.policy import Policy, QuietHours  # noqa: E402

TOKEN = "555003:BENCH-NOTICES"
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
NO_QUIET = Policy(quiet_hours=QuietHours(clock_time(0), clock_time(0)))
GROUP_CHAT = -100_446


async def fresh_postgres(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    except Exception:
        return None
    finally:
        await engine.dispose()
    return url


async def seed(
    sessions: async_sessionmaker[AsyncSession],
    name: str,
    code: str,
    households: int,
    members: int,
    telegram_base: int,
    now: datetime,
) -> tuple[int, Actor, list[int]]:
    """A courtyard of `households` rooms and `members` approved members (the first one per
    room, then a second in the first rooms), on Telegram; its grid leader. Bulk inserts."""
    async with sessions() as session, session.begin():
        courtyard = await courtyards.create_courtyard(session, name, now, code=code)
        per_floor = 20
        await session.execute(
            insert(Household),
            [
                {
                    "courtyard_id": courtyard.id,
                    "building": f"{1 + i // 2000}号楼",
                    "unit": f"{1 + (i // 500) % 4}单元",
                    "room": f"{1 + i // per_floor:03d}{1 + i % per_floor:02d}",
                    "area_centi_m2": 4500 + i % 40 * 50,
                    "parking_spaces": 0,
                }
                for i in range(households)
            ],
        )
        homes = list(
            await session.scalars(
                select(Household.id)
                .where(Household.courtyard_id == courtyard.id)
                .order_by(Household.id)
            )
        )
        ids = [telegram_base + i for i in range(members)]
        await session.execute(
            insert(User),
            [
                {"telegram_id": t, "name": f"居民{t}", "created_at": now, "blocked": False}
                for t in ids
            ],
        )
        users = list(
            await session.scalars(
                select(User.id).where(User.telegram_id.in_(ids)).order_by(User.id)
            )
        )
        await session.execute(
            insert(Membership),
            [
                {
                    "user_id": user_id,
                    "household_id": homes[i % len(homes)],
                    "relation": Relation.OWNER if i < len(homes) else Relation.FAMILY,
                    "status": MembershipStatus.APPROVED,
                    "requested_at": now,
                    "decided_at": now,
                    "channel": "telegram",
                }
                for i, user_id in enumerate(users)
            ],
        )
        leader = await roles.user_by_telegram_id(session, telegram_base - 1, now, create=True)
        await roles.grant(session, leader, Role.GRID_LEADER, courtyard.id, now, tell=False)
        actor = await people.load_actor(session, leader)
        return courtyard.id, actor, ids


class Statements:
    def __init__(self) -> None:
        self.inserts = 0

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX"):
            self.inserts += 1


async def fan_out(store: str, database_url: str, recipients: int) -> bool:
    await upgrade(database_url)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    try:
        courtyard_id, leader, _ids = await seed(
            sessions, "万人楼院", "BIG", recipients, recipients, 3_000_000, now
        )
        counter = Statements()
        event.listen(engine.sync_engine, "before_cursor_execute", counter)
        # the fan-out alone, as 发送 does it: the letters' rows for everyone in scope
        async with sessions() as session, session.begin():
            start = time.perf_counter()
            written = await outbox.enqueue_select(
                session,
                NoticeLetter(
                    notice=NoticeInfo(id=1, courtyard="万人楼院", author="网格长", text="停水")
                ),
                audiences.members_query(Scope.of(courtyard_id)),
                dedupe_prefix="bench-notice:1:",
                now=now,
            )
            fan_out_s = time.perf_counter() - start
            await session.rollback()
        inserts = counter.inserts
        # the whole 发送 of a drafted notice
        async with sessions() as session, session.begin():
            drafted = await compose.save_draft(
                session, leader, Draft(courtyard_ids=(courtyard_id,), text="停水通知"), now
            )
        async with sessions() as session, session.begin():
            start = time.perf_counter()
            done = await lifecycle.send(session, leader, drafted[0].id, now, NO_QUIET)
            send_s = time.perf_counter() - start
        event.remove(engine.sync_engine, "before_cursor_execute", counter)
    finally:
        await engine.dispose()
    met = fan_out_s < 1.0 and written == recipients
    print(f"  {store}: {recipients} recipients")
    print(
        f"    fan-out (scope + outbox rows): {fan_out_s:6.3f} s for {written} rows in "
        f"{inserts} INSERT ... SELECT (target < 1 s, one batch) {'OK' if met else 'MISSED'}"
    )
    print(
        f"    whole 发送 (letters, group post, counts, unreachable): {send_s:6.3f} s, "
        f"{done.people} letters (printed, no target)"
    )
    return met


async def delivery(database_url: str, per_second: float) -> bool:
    """都市A座: 446 households, 600 members, its residents' group; through the sandbox."""
    sandbox = Sandbox(bot_username="bench_bot", limits=SandboxLimits(enabled=True))
    url = await sandbox.start(port=0)
    await upgrade(database_url)
    engine: AsyncEngine = create_engine(database_url)
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    try:
        courtyard_id, leader, ids = await seed(sessions, "都市A座", "DSA", 446, 600, 4_000_000, now)
        for telegram_id in ids:
            sandbox.add_user(f"居民{telegram_id}", user_id=telegram_id)
        group = sandbox.add_group("都市A座居民群", ids[:50])
        await sandbox.add_bot_to_group(group.id, ids[0])
        async with sessions() as session, session.begin():
            session.add(
                GroupChat(
                    chat_id=group.id,
                    title="都市A座居民群",
                    courtyard_id=courtyard_id,
                    kind=GroupKind.RESIDENTS,
                    active=True,
                )
            )
        # sent a little over a minute ago: the grace is over, every row is due
        earlier = datetime.now(UTC) - compose.GRACE - timedelta(seconds=1)
        async with sessions() as session, session.begin():
            drafted = await compose.save_draft(
                session,
                leader,
                Draft(courtyard_ids=(courtyard_id,), text="电梯年检通知：周四上午两部电梯停运。"),
                earlier,
            )
            done = await lifecycle.send(session, leader, drafted[0].id, earlier, NO_QUIET)
        expected = done.people + done.groups
        settings = Settings(
            bot_token=TOKEN,
            database_url=database_url,
            telegram_api_url=url,
            bot_username="bench_bot",
            quiet_hours="off",
            send_rate_per_second=per_second,
        )
        runtime = await assemble(settings, TOKEN)
        sandbox.stats.reset()
        start = time.perf_counter()
        task = asyncio.create_task(runtime.sender.run())
        try:
            while True:
                await asyncio.sleep(0.2)
                async with sessions() as session:
                    sent = await session.scalar(
                        select(func.count())
                        .select_from(OutboxMessage)
                        .where(OutboxMessage.status == OutboxStatus.SENT)
                    )
                if sent == expected:
                    break
                if time.perf_counter() - start > expected / per_second * 3 + 30:
                    print(f"  only {sent} of {expected} delivered: giving up")
                    return False
            elapsed = time.perf_counter() - start
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await runtime.bot.session.close()
            await runtime.sender.bot.session.close()
        sends = sorted(t for t, _chat, _method in sandbox.stats.sends)
        rate = (len(sends) - 1) / (sends[-1] - sends[0]) if len(sends) > 1 else 0.0
        share = rate / per_second
        throttled = sandbox.stats.too_many_requests
        group_posts = sum(1 for _t, chat, _m in sandbox.stats.sends if chat == group.id)
        print(
            f"  {done.people} members + {group_posts} group post: all {expected} delivered in "
            f"{elapsed:.1f} s wall time"
        )
        print(
            f"  sustained:     {rate:8.1f} messages/s = {share:.1%} of the limit "
            f"{per_second:.0f}/s (target >= 95%) {'OK' if share >= 0.95 else 'MISSED'}"
        )
        print(
            f"  429s received: {throttled:8d}   (target 0) {'OK' if throttled == 0 else 'MISSED'}"
        )
        return share >= 0.95 and throttled == 0
    finally:
        await engine.dispose()
        await sandbox.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--skip-delivery", action="store_true")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        print("Outbox rows of one notice (database time):")
        ok &= await fan_out("SQLite", f"sqlite+aiosqlite:///{tmp}/fanout.sqlite3", args.recipients)
        postgres = await fresh_postgres(os.environ.get("BENCH_POSTGRES_URL", POSTGRES))
        if postgres:
            ok &= await fan_out("PostgreSQL", postgres, args.recipients)
        else:
            print("  PostgreSQL: not reachable (BENCH_POSTGRES_URL); skipped")
        if not args.skip_delivery:
            print("A notice to 都市A座 through the sandbox, Telegram's limits on:")
            ok &= await delivery(f"sqlite+aiosqlite:///{tmp}/delivery.sqlite3", args.rate)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
