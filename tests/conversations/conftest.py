"""A World per test: dispatcher, fake Telegram, sender; plus a courtyard with households."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n
from harness import World
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import seed_courtyard

from services.clock import FixedClock
from services.policy import Policy


@pytest.fixture
def world(
    sessions: async_sessionmaker[AsyncSession], i18n: I18n, policy: Policy, clock: FixedClock
) -> World:
    return World(sessions, i18n, policy, clock)


@pytest.fixture
async def courtyard(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> dict:
    return await seed_courtyard(sessions, clock())
