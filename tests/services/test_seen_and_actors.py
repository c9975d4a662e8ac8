"""Recently handled update ids in memory (bounded, expiring) and the actor cache."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.seen import MemorySeen
from services.access import Actor
from services.people import ActorCache, TelegramProfile


async def test_memory_seen_expires_and_stays_bounded() -> None:
    now = [0.0]
    seen = MemorySeen(keep_seconds=60, limit=3, monotonic=lambda: now[0])
    await seen.remember(1)
    assert await seen.seen(1) and not await seen.seen(2)
    now[0] = 61
    assert not await seen.seen(1)  # Telegram may reuse ids after a long pause: forget them
    for update_id in (10, 11, 12, 13):
        await seen.remember(update_id)
    assert not await seen.seen(10) and await seen.seen(13)
    assert len(seen._ids) == 3


def test_actor_cache_by_profile_ttl_and_forget() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    cache = ActorCache(ttl=timedelta(seconds=30))
    profile = TelegramProfile(telegram_id=42, name="王阿姨")
    actor = Actor(user_id=7, name="王阿姨", telegram_id=42)
    cache.put(profile, actor, now)
    assert cache.get(profile, now + timedelta(seconds=29)) is actor
    renamed = TelegramProfile(telegram_id=42, name="王秀英")
    assert cache.get(renamed, now) is None  # a new Telegram name must be written: no hit
    cache.put(profile, actor, now)
    assert cache.get(profile, now + timedelta(seconds=30)) is None  # expired
    cache.put(profile, actor, now)
    cache.forget({7})
    assert cache.get(profile, now) is None
