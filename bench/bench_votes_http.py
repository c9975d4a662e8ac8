"""Benchmark: a vote cast over HTTP through the sandbox, Telegram's limits on.

One courtyard of N households (default 2,000), one approved member each, and its residents'
group with the bot in it; a simple-majority vote opened through the service (the announcement
to everyone and the group card). The real bot runs in its own process, polling the sandbox,
with its outbox sender and scheduler. Then every resident votes at once, `--concurrency` at a
time, with the real taps: /start vote-<id> (the deep link the group card's 🗳 opens) → the
option's button → ✅ confirm → the receipt. After the outbox has drained and the group card
shows every ballot, the store and the sandbox are checked:
- ballots in the store = N (zero lost), exactly one per household (zero double-counted);
- the tally per option equals the choices this script made;
- messages + edits to the group in any 60 s window <= 20 (Telegram's group limit);
- 429s received (printed) and throughput (ballots/s, target >= 5).
A voter who gets no answer within 120 s gives up (counted as "no receipt"): nothing the bot says
may be dropped. Telegram's overall 30 sends/s bounds the run: the announcement to everyone and
two answers per voter (the ballot, the receipt) are 3 sends per household, so 2,000 voters take
at least 200 s; `--voters` makes it smaller.

Run: python bench/bench_votes_http.py [--voters N] [--concurrency C] [--database-url URL]
Exits non-zero when a target is missed."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_http import process  # noqa: E402
from bench_notices import NO_QUIET, seed  # noqa: E402

from bot.schema import upgrade  # noqa: E402
from models import (  # noqa: E402
    Ballot,
    GroupChat,
    GroupKind,
    OutboxMessage,
    OutboxStatus,
    VoteCard,
    VoteOption,
)
from models.db import create_engine, session_factory  # noqa: E402
from sandbox import Sandbox, SandboxLimits  # noqa: E402
from services.votes import drafting, notices  # noqa: E402
from services.votes.drafting import OptionDraft, VoteDraft  # noqa: E402
from views.votes.callbacks import Choose, Confirm  # noqa: E402

TOKEN = "555004:BENCH-VOTES"
GROUP_LIMIT = 20  # messages + edits per group per 60 s
RATE_TARGET = 5.0  # ballots/s
TELEGRAM_BASE = 5_000_000
JSON = dict[str, Any]


def buttons(message: JSON) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


async def until(sandbox: Sandbox, chat_id: int, found: Any, within: float = 120.0) -> JSON:
    """The first bot message in this chat that `found(message)` accepts, waiting for it."""
    deadline = time.monotonic() + within
    while True:
        for message in reversed(sandbox.messages(chat_id)):
            if message.get("from", {}).get("is_bot") and found(message):
                return message
        if time.monotonic() > deadline:
            raise TimeoutError(f"chat {chat_id}: nothing came")
        await sandbox.core.world.wait_change(0.5)


async def vote_as(sandbox: Sandbox, person: int, vote_id: int, position: int) -> None:
    """The resident's real taps: the deep link, the option, the confirmation, the receipt."""
    await sandbox.user_sends(person, f"/start vote-{vote_id}")
    prefix = f"{Choose.__prefix__}:{vote_id}:"
    ballot = await until(sandbox, person, lambda m: any(b.startswith(prefix) for b in buttons(m)))
    choose = next(b for b in buttons(ballot) if b.startswith(prefix) and b.endswith(f":{position}"))
    await sandbox.user_taps(person, int(ballot["message_id"]), choose)
    confirm_prefix = f"{Confirm.__prefix__}:{vote_id}:"

    def confirming(m: JSON) -> bool:
        return m["message_id"] == ballot["message_id"] and any(
            b.startswith(confirm_prefix) for b in buttons(m)
        )

    shown = await until(sandbox, person, confirming)
    confirm = next(b for b in buttons(shown) if b.startswith(confirm_prefix))
    await sandbox.user_taps(person, int(shown["message_id"]), confirm)
    await until(
        sandbox,
        person,
        lambda m: m["message_id"] > ballot["message_id"] and not buttons(m),
    )


def busiest_minute(times: list[float]) -> int:
    """The most events in any 60-second window."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 60.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def main(database_url: str, voters: int, concurrency: int) -> bool:
    sandbox = Sandbox(bot_username="bench_bot", limits=SandboxLimits(enabled=True))
    api_url = await sandbox.start(port=0)
    await upgrade(database_url)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    try:
        courtyard_id, _leader, ids = await seed(
            sessions, "纬三路13号院", "WSL", voters, voters, TELEGRAM_BASE, now
        )
        for telegram_id in ids:
            sandbox.add_user(f"居民{telegram_id}", user_id=telegram_id)
        group = sandbox.add_group("纬三路13号院居民群", ids[:50])
        await sandbox.add_bot_to_group(group.id, ids[0])
        async with sessions() as session, session.begin():
            session.add(
                GroupChat(
                    chat_id=group.id,
                    title="纬三路13号院居民群",
                    courtyard_id=courtyard_id,
                    kind=GroupKind.RESIDENTS,
                    active=True,
                )
            )
        draft = VoteDraft(
            title="楼道加装声控灯",
            options=[OptionDraft("同意"), OptionDraft("不同意")],
            closes_at=now + timedelta(days=7),
        )
        async with sessions() as session, session.begin():
            vote_id = await drafting.create(session, None, courtyard_id, draft, now=now)
            await notices.open_and_announce(session, None, vote_id, now, NO_QUIET)
        async with sessions() as session:
            options = {
                position: option_id
                for option_id, position in await session.execute(
                    select(VoteOption.id, VoteOption.position).where(VoteOption.vote_id == vote_id)
                )
            }
        choices = {person: 1 if i % 3 else 2 for i, person in enumerate(ids)}
        env = {
            "BOT_TOKEN": TOKEN,
            "DATABASE_URL": database_url,
            "TELEGRAM_API_URL": api_url,
            "BOT_USERNAME": "bench_bot",
            "QUIET_HOURS": "off",
        }
        sandbox.stats.reset()
        gate = asyncio.Semaphore(concurrency)
        failures: list[str] = []

        async def one(person: int) -> None:
            async with gate:
                try:
                    await vote_as(sandbox, person, vote_id, choices[person])
                except (TimeoutError, LookupError, StopIteration) as error:
                    failures.append(f"{person}: {error!r}")

        async with process(str(ROOT / ".venv" / "bin" / "courtyard"), "run", env=env):
            while not sandbox.stats.requests["getUpdates"]:  # noqa: ASYNC110 - started: polling
                await asyncio.sleep(0.2)
            started = time.perf_counter()
            await asyncio.gather(*(one(p) for p in ids))
            cast_s = time.perf_counter() - started
            drained = await drain(sessions, vote_id, voters, within=180.0)
            total_s = time.perf_counter() - started
        async with sessions() as session:
            stored = int(await session.scalar(
                select(func.count()).select_from(Ballot).where(Ballot.vote_id == vote_id)
            ) or 0)  # fmt: skip
            doubled = int(await session.scalar(
                select(func.count()).select_from(
                    select(Ballot.household_id).where(Ballot.vote_id == vote_id)
                    .group_by(Ballot.household_id).having(func.count() > 1).subquery()
                )
            ) or 0)  # fmt: skip
            tally = Counter(
                {
                    option_id: int(n)
                    for option_id, n in await session.execute(
                        select(Ballot.option_id, func.count())
                        .where(Ballot.vote_id == vote_id)
                        .group_by(Ballot.option_id)
                    )
                }
            )
    finally:
        await engine.dispose()
        await sandbox.stop()
    expected = Counter(options[p] for p in choices.values())
    sent = [*sandbox.stats.sends, *sandbox.stats.edits]
    to_group = [t for t, chat, _m in sent if chat == group.id]
    most = busiest_minute(to_group)
    throttled = sandbox.stats.too_many_requests
    rate = voters / cast_s
    checks = [
        (
            f"ballots in the store: {stored} of {voters} (target {voters}: none lost)",
            stored == voters,
        ),
        (f"households with more than one ballot: {doubled} (target 0)", doubled == 0),
        (
            "tally per option: "
            + ", ".join(f"{tally[o]}/{expected[o]}" for o in sorted(expected))
            + " (target: equal to the choices made)",
            tally == expected,
        ),
        (
            f"group: {len(to_group)} messages + edits, busiest 60 s: {most} "
            f"(target <= {GROUP_LIMIT})",
            most <= GROUP_LIMIT,
        ),
        (f"voters who got no receipt: {len(failures)} (target 0)", not failures),
        (f"outbox drained and the card shows every ballot: {drained} (target True)", drained),
        (f"throughput: {rate:.1f} ballots/s (target >= {RATE_TARGET:.0f})", rate >= RATE_TARGET),
    ]
    print(
        f"{voters} ballots over HTTP, {concurrency} voters at a time, Telegram's limits on: "
        f"cast in {cast_s:.1f} s, drained after {total_s:.1f} s"
    )
    for line, met in checks:
        print(f"  {line} {'OK' if met else 'MISSED'}")
    print(f"  429s received: {throttled} (printed; the bot waits and retries)")
    for failure in failures[:5]:
        print(f"    {failure}")
    return all(met for _line, met in checks)


async def drain(sessions: Any, vote_id: int, voters: int, within: float) -> bool:
    """Wait until no outbox row is waiting and the group card shows every ballot."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with sessions() as session:
            waiting = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
            )
            shown = await session.scalar(
                select(func.min(VoteCard.shown_heads)).where(VoteCard.vote_id == vote_id)
            )
        if waiting == 0 and shown == voters:
            return True
        await asyncio.sleep(1.0)
    return False


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'votes.sqlite3'}"
        ok = asyncio.run(main(url, args.voters, args.concurrency))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(cli())
