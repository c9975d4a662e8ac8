"""The city-scale pieces: conversation state in Redis, and one scheduler among many processes."""

from __future__ import annotations

import os
from typing import Any

import pytest
from harness import World
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID

from bot.app import build_dispatcher, build_storage
from models import Membership, MembershipStatus, User
from models.db import create_engine
from scheduler.leader import release, try_lead

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL (CI does) to test Redis storage")
async def test_a_conversation_keeps_its_state_in_redis(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    storage, isolation, seen = build_storage(REDIS_URL, "123456:TEST")
    redis = storage.redis  # type: ignore[attr-defined]
    await redis.flushdb()
    world.dispatcher = build_dispatcher(
        sessions=sessions,
        i18n=world.i18n,
        policy=world.policy,
        clock=world.clock,
        after_commit=world.sender.notify,
        storage=storage,
        events_isolation=isolation,
        seen=seen,
    )
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    try:
        await leader.sends("/register")
        for label in ("1号楼", "2单元", "302", "Family member"):
            await leader.taps(label)
        assert "send the neighbour's name" in leader.last_message()
        assert await redis.keys("fsm:*"), "the conversation's state is in Redis"
        await leader.sends("赵奶奶")
        await leader.taps("Skip: no phone")
        await leader.taps("✅ Save")
        assert "赵奶奶 is now registered" in leader.last_message()
        # recently handled update ids are shared in Redis (for the other bot processes)
        assert await redis.keys("courtyard:123456:update:*")
        help_update = leader.message_update("/help")
        await world.feed(help_update)
        answers = len(leader.texts())
        await world.feed(help_update)  # redelivered: another process would skip it too
        assert len(leader.texts()) == answers
    finally:
        await redis.flushdb()
        await storage.close()
    async with sessions() as session:
        person = await session.scalar(select(User).where(User.name == "赵奶奶"))
        assert person is not None
        assert person.telegram_id is None
        membership = await session.scalar(select(Membership).where(Membership.user_id == person.id))
        assert membership is not None
        assert membership.status is MembershipStatus.APPROVED


@pytest.mark.skipif(not PG_URL, reason="the advisory lock is PostgreSQL's")
async def test_only_one_process_leads_the_scheduler() -> None:
    engine = create_engine(PG_URL)
    try:
        first = await try_lead(engine)
        assert first is not None
        assert await try_lead(engine) is None  # a second process must wait
        await release(first)  # the leader goes away
        successor = await try_lead(engine)
        assert successor is not None
        await release(successor)
    finally:
        await engine.dispose()
