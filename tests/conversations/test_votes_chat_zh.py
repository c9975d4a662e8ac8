"""The ballot as an elderly resident reads it, in Chinese: her own price for each plan."""

from __future__ import annotations

import pytest
from harness import World
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from votes_data import RESIDENT_TG, Registry, open_plan_vote, seed_registry

from services.clock import FixedClock
from services.policy import Policy


@pytest.fixture
async def registry(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> Registry:
    return await seed_registry(sessions, clock(), count=10)


async def test_the_ballot_in_chinese_shows_her_price_for_each_plan(
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    resident = world.person("王阿姨", RESIDENT_TG)
    await open_plan_vote(sessions, registry, clock, policy)
    await world.deliver()
    assert "请您家投票：物业服务方案选择" in resident.last_message()
    await resident.taps("🗳 去投票")
    ballot = resident.last_message()
    assert "您家：1号楼-1单元-011，52.3 m²" in ballot
    assert "每月 ¥63.54（52.3 m² × 0.45 + 1 个车位 × 40）" in ballot
    assert "每月 ¥108.77（52.3 m² × 0.55 + 1 个车位 × 80），比方案 1 多 ¥45.23" in ballot
    assert "民法典第 278 条第 4 项" in ballot
    await resident.taps("2. 方案二：含 24 小时门卫")
    assert "选票投出后不能更改" in resident.last_message()
    await resident.taps("✅ 确认投票")
    assert "✅ 您已投票。" in resident.last_message()
    assert "回执号" in resident.last_message()
