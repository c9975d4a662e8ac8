"""Recently handled update ids in memory (bounded, expiring) and the actor cache."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from yards import room

from bot.seen import MemorySeen
from models import Membership, MembershipStatus, Relation, User
from services import people
from services.access import Actor
from services.clock import FixedClock
from services.people import ActorCache, TelegramProfile


async def test_memory_seen_expires_and_stays_bounded() -> None:
    now = [0.0]
    seen = MemorySeen(keep_seconds=60, limit=3, monotonic=lambda: now[0])
    await seen.remember(1)
    assert await seen.seen(1)
    assert not await seen.seen(2)
    now[0] = 61
    assert not await seen.seen(1)  # Telegram may reuse ids after a long pause: forget them
    for update_id in (10, 11, 12, 13):
        await seen.remember(update_id)
    assert not await seen.seen(10)
    assert await seen.seen(13)
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


async def test_a_membership_moved_to_another_person_changes_both_actors(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> None:
    people.track_actor_changes()
    async with sessions() as session, session.begin():
        home = await room(session, yard["id"], "1号楼-1单元-101")
        first = User(telegram_id=None, name="赵奶奶", created_at=clock())
        second = User(telegram_id=777, name="赵奶奶", created_at=clock())
        session.add_all([first, second])
        await session.flush()
        membership = Membership(
            user_id=first.id,
            household_id=home.id,
            relation=Relation.OWNER,
            status=MembershipStatus.APPROVED,
            requested_at=clock(),
        )
        session.add(membership)
        await session.flush()
        session.info.pop(people.ACTORS_CHANGED, None)
        membership.user_id = second.id  # the registered neighbour joined on Telegram
        await session.flush()
        assert people.changed_actors(session) == {first.id, second.id}
