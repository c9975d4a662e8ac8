"""Benchmarks over real HTTP against the sandbox.

1. Updates per second end to end: residents tap a menu button (❓ 帮助) and wait for the answer,
   through the courtyard bot; then the same load through a bare aiogram echo bot on the same
   sandbox. Prints both and their ratio (target: the bot at least half the echo bot), on SQLite
   and on PostgreSQL (BENCH_POSTGRES_URL, default the local test database; skipped when it
   cannot be reached), with the bot's resident memory idle and after the run, and the time from
   starting the process to its first answer (memory target: under 200 MB after the run, SQLite).
2. The outbox sender's sustained delivery rate for 500 messages to 500 residents, with the
   sandbox enforcing Telegram's limits: rate, share of the configured limit (target >= 95%),
   and the number of 429s received (target 0).

Run: python bench/bench_http.py   (or `make bench`). Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import assemble  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.schema import upgrade  # noqa: E402
from models import OutboxMessage, OutboxStatus  # noqa: E402
from models.db import create_engine, session_factory  # noqa: E402
from sandbox import Sandbox, SandboxLimits  # noqa: E402
from services import outbox, roles  # noqa: E402
from services.access import Role  # noqa: E402
from services.clock import utc_now  # noqa: E402
from services.membership_messages import MembershipApproved  # noqa: E402

TOKEN = "555001:BENCH-COURTYARD"
ECHO_TOKEN = "555002:BENCH-ECHO"
HELP = "❓ 帮助"


async def drive(sandbox: Sandbox, people: list[int], rounds: int, patience: float = 30) -> float:
    """Each person taps the help button `rounds` times, waiting for each answer. Updates/s."""

    async def one(person: int) -> None:
        for _ in range(rounds):
            last = sandbox.last_bot_message(person)
            after = int(last["message_id"]) if last else 0
            await sandbox.user_sends(person, HELP)
            await sandbox.wait_for_bot_message(person, after_message_id=after, timeout=patience)

    start = time.perf_counter()
    await asyncio.gather(*(one(p) for p in people))
    return len(people) * rounds / (time.perf_counter() - start)


@contextlib.asynccontextmanager
async def process(
    *command: str, env: dict[str, str] | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Run a bot as its own process, as it runs in production, and stop it afterwards."""
    child = await asyncio.create_subprocess_exec(
        *command,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield child
    finally:
        child.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(child.wait(), 10)
        except TimeoutError:
            child.kill()
            await child.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class BotRun:
    rate: float
    first_answer_s: float  # from starting the process to its first answer
    rss_idle_mb: float
    rss_after_mb: float


async def measure(sandbox: Sandbox, people: list[int], rounds: int) -> float:
    await drive(sandbox, people[:2], 1, patience=60)  # warm up: started, users known
    return await drive(sandbox, people, rounds)


async def courtyard_bot_rate(
    sandbox: Sandbox, database_url: str, people: list[int], rounds: int
) -> BotRun:
    env = {
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "TELEGRAM_API_URL": sandbox.api_url,
        "BOT_USERNAME": "bench_bot",
        "QUIET_HOURS": "off",
    }
    await upgrade(database_url)  # so that start-up measures the bot, not the first migration
    started = time.perf_counter()
    async with process(str(ROOT / ".venv" / "bin" / "courtyard"), "run", env=env) as child:
        await drive(sandbox, people[:1], 1, patience=60)
        first_answer = time.perf_counter() - started
        await drive(sandbox, people, 1, patience=60)  # everyone known: idle, warmed up
        await asyncio.sleep(0.5)
        idle = rss_mb(child.pid)
        rate = await drive(sandbox, people, rounds)
        return BotRun(rate, first_answer, idle, rss_mb(child.pid))


async def echo_bot_rate(sandbox: Sandbox, people: list[int], rounds: int) -> tuple[float, float]:
    """The echo bot's updates/s and its resident memory after the run (MB)."""
    script = str(ROOT / "bench" / "echo_bot.py")
    async with process(sys.executable, script, ECHO_TOKEN, sandbox.api_url) as child:
        rate = await measure(sandbox, people, rounds)
        return rate, rss_mb(child.pid)


async def sender_rate(database_url: str, count: int, per_second: float) -> tuple[float, int]:
    """Deliver `count` outbox rows to `count` residents; return (messages/s, 429s)."""
    sandbox = Sandbox(bot_username="bench_bot", limits=SandboxLimits(enabled=True))
    url = await sandbox.start(port=0)
    await upgrade(database_url)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    now = utc_now()
    async with sessions() as session, session.begin():
        for i in range(count):
            person = sandbox.add_user(f"居民{i}", user_id=800_000 + i)
            user = await roles.user_by_telegram_id(session, person.id, now, create=True)
            await outbox.enqueue(
                session,
                MembershipApproved(
                    courtyard="纬三路13号院",
                    household=f"1-1-{i}",
                    leader="李网格长",
                    roles=(Role.RESIDENT,),
                ),
                now=now,
                user_id=user.id,
                dedupe_key=f"bench:{i}",
            )
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
            await asyncio.sleep(0.1)
            async with sessions() as session:
                sent = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status == OutboxStatus.SENT)
                )
            if sent == count:
                break
        elapsed = time.perf_counter() - start
        sends = sorted(t for t, _chat, _method in sandbox.stats.sends)
        # sustained rate: from the first send to the last
        rate = (len(sends) - 1) / (sends[-1] - sends[0]) if len(sends) > 1 else 0.0
        print(f"  ({count} messages in {elapsed:.1f} s wall time)")
        return rate, sandbox.stats.too_many_requests
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await runtime.bot.session.close()
        await runtime.sender.bot.session.close()
        await engine.dispose()
        await sandbox.stop()


MEMORY_TARGET_MB = 200  # the bot process's resident memory (issue 8)
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def fresh_postgres(url: str) -> str | None:
    """An empty PostgreSQL schema at `url`, or None when it cannot be reached."""
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


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        stores = [("SQLite", args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3")]
        if not args.database_url:
            postgres = await fresh_postgres(os.environ.get("BENCH_POSTGRES_URL", POSTGRES))
            if postgres:
                stores.append(("PostgreSQL", postgres))
        sandbox = Sandbox(bot_username="bench_bot", limits=SandboxLimits(enabled=False))
        await sandbox.start(port=0)
        people = [sandbox.add_user(f"居民{i}", user_id=600_000 + i).id for i in range(args.people)]
        try:
            runs = [
                (name, await courtyard_bot_rate(sandbox, url, people, args.rounds))
                for name, url in stores
            ]
            echo_rate, echo_rss = await echo_bot_rate(sandbox, people, args.rounds)
        finally:
            await sandbox.stop()
        print(
            "Updates handled end to end over HTTP "
            f"({args.people} residents x {args.rounds} taps, concurrently):"
        )
        print(
            f"  echo bot:               {echo_rate:8.1f} updates/s "
            f"(RSS {echo_rss:.1f} MB: aiogram and pydantic alone)"
        )
        for name, run in runs:
            ratio = run.rate / echo_rate
            met = ratio >= 0.5
            print(
                f"  courtyard bot, {name:10} {run.rate:8.1f} updates/s, ratio {ratio:4.2f} "
                f"(target >= 0.50) {'OK' if met else 'MISSED'}"
            )
            small = run.rss_after_mb < MEMORY_TARGET_MB
            print(
                f"    memory (RSS): {run.rss_idle_mb:6.1f} MB idle, {run.rss_after_mb:6.1f} MB "
                f"after the run (target < {MEMORY_TARGET_MB} MB) {'OK' if small else 'MISSED'}"
                f" · start to first answer: {run.first_answer_s:5.2f} s"
            )
            if name == "SQLite":  # the targets are SQLite's; PostgreSQL's figures are printed
                ok &= met and small
        if len(runs) == 1 and not args.database_url:
            print("  PostgreSQL: not reachable (BENCH_POSTGRES_URL); skipped")

        sender_db = args.database_url or f"sqlite+aiosqlite:///{tmp}/sender.sqlite3"
        print(
            f"Outbox sender, {args.messages} messages to {args.messages} residents, "
            f"limit {args.rate:.0f}/s, sandbox enforcing Telegram's limits:"
        )
        rate, throttled = await sender_rate(sender_db, args.messages, args.rate)
        share = rate / args.rate
        print(
            f"  sustained:     {rate:8.1f} messages/s = {share:.1%} of the limit "
            f"(target >= 95%) {'OK' if share >= 0.95 else 'MISSED'}"
        )
        print(
            f"  429s received: {throttled:8d}   (target 0) {'OK' if throttled == 0 else 'MISSED'}"
        )
        ok &= share >= 0.95 and throttled == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
