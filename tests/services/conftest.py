"""Service fixtures: two courtyards with households and grid leaders, and actors loaded from the
store the way the bot loads them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import OTHER_LEADER_ID, seed_courtyard
from yards import ActorOf

from services import people
from services.access import Actor
from services.clock import FixedClock


@pytest.fixture
async def yard(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> dict[str, Any]:
    """纬三路13号院: 48 households, grid leader 5001; admin 5002 holds every courtyard."""
    return await seed_courtyard(sessions, clock())


@pytest.fixture
async def other_yard(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> dict[str, Any]:
    """都市A座, led by 5004, who leads nothing in 纬三路13号院."""
    return await seed_courtyard(sessions, clock(), "都市A座", code="DSA", leader_id=OTHER_LEADER_ID)


@pytest.fixture
def actor_of(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> ActorOf:
    """The Actor of a Telegram user, created on first use, as the middleware would load it."""

    async def load(telegram_id: int, name: str | None = None) -> Actor:
        async with sessions() as session, session.begin():
            profile = people.TelegramProfile(telegram_id, name or f"user {telegram_id}")
            user = await people.ensure_user(session, profile, clock())
            return await people.load_actor(session, user)

    return load
