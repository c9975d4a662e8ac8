"""The demo's people walk through the new features on the demo's own data, in Chinese, as
they would in the sandbox: 王阿姨 (bill in arrears, 我已缴费, her price in the vote), the
finance clerk (confirms her claim), 李网格长 (a paper ballot)."""

from __future__ import annotations

from typing import Any

import pytest
from harness import Person, World
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo_data import FINANCE_TG, PEOPLE, WSL, link_groups, seed, seed_features
from services.clock import FixedClock
from services.policy import Policy


@pytest.fixture
async def demo(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, policy: Policy
) -> dict[str, Any]:
    async with sessions() as session, session.begin():
        await seed(session, clock())
        await link_groups(session, WSL, -1001, -1002, clock())
        await seed_features(session, clock(), policy)
    people = {p.name: world.person(p.name, p.telegram_id) for p in PEOPLE}
    await world.deliver_all()
    return people


async def test_wang_pays_what_she_owes_and_gets_a_receipt(
    world: World, demo: dict[str, Person]
) -> None:
    wang = demo["王阿姨"]
    await wang.sends("/menu")
    await wang.taps("💰 我的账单")
    bill = wang.last_message()
    assert "<b>以前还没交的月份</b>\n2026年9月：¥68.24\n2026年10月：¥68.24" in bill
    assert "一共要交：¥204.72" in bill
    await wang.taps("✅ 我已缴费")
    await wang.sends_photo("SCREENSHOT-TOO-EARLY")  # a photo where the amount is asked
    assert "请输入金额（元）" in wang.last_message()
    await wang.sends("68.24")
    await wang.taps("微信")
    await wang.sends("转好了")  # words where the screenshot is asked
    assert "转账截图" in wang.last_message()
    await wang.sends_photo("SCREENSHOT")
    assert "已经转给财务" in wang.last_message()
    await world.deliver_all()

    clerk = demo["孙会计（财务）"]
    assert clerk.id == FINANCE_TG
    assert "王阿姨" in clerk.last_message()
    assert "¥68.24" in clerk.last_message()
    await clerk.taps("✅ 确认入账")
    assert "已入账" in clerk.last_message()
    await world.deliver_all()
    assert "交的是：2026年9月 ¥68.24\n还需交：¥136.48" in wang.last_message()


async def test_wang_sees_her_price_in_the_vote_in_plain_words(demo: dict[str, Person]) -> None:
    wang = demo["王阿姨"]
    await wang.sends("/menu")
    await wang.taps("🗳 投票")
    ballot = wang.last_message()
    assert "每月 ¥21.96（62.75 m² × 0.35）" in ballot  # no "+ 1 个车位 × 0" for a free space
    assert "每月 ¥68.24（62.75 m² × 0.45 + 1 个车位 × 40），比方案 1 多 ¥46.28" in ballot
    await wang.taps("2. 方案二：再加24小时门岗保安")
    assert "选这个方案，您家要交：每月 ¥68.24" in wang.last_message()
    await wang.taps("✅ 确认投票")
    assert "✅ 您已投票。" in wang.last_message()


async def test_a_paper_ballot_asks_again_for_the_photo(demo: dict[str, Person]) -> None:
    leader = demo["李网格长"]
    await leader.sends("/menu")
    await leader.taps("🗳 投票管理")
    await leader.taps("#1 物业服务方案选择（演示） (进行中)")
    await leader.taps("📝 录入纸质选票")
    await leader.sends("1号楼 1单元 101")
    await leader.taps("📝 纸质选票")
    await leader.taps("2. 方案二：再加24小时门岗保安")
    assert "签字选票的照片" in leader.last_message()
    await leader.sends("好")  # words where the photo is wanted: asked again, not "tap a button"
    assert "签字选票的照片" in leader.last_message()
    await leader.sends_photo("SIGNED-BALLOT")
    assert "✅ 已记录 1号楼-1单元-101 的选票：方案 2。" in leader.last_message()
