"""Done when (issue 10): a grid leader sends 停水通知 to two buildings, sees who acknowledged,
reminds the rest, and fills the bus-card renewal slots from a notice that carries the event,
including for a neighbour without a phone. Residents get ONE message for the event: the notice
with its 📅 报名 button."""

from __future__ import annotations

from typing import Any

import pytest
from harness import Person, World
from notices_data import DAUGHTER_ID, RESIDENTS_GROUP, seed_notice_people
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Gathering, OutboxMessage, User
from services.clock import FixedClock
from services.notices import lifecycle
from services.policy import Policy

WATER = "停水通知：明天9:00-17:00 1号楼、2号楼停水检修，请提前储水。"
BUS = "公交卡年审\n65岁以上老人的公交卡明天在社区活动室年审，请带身份证和公交卡。"


@pytest.fixture
async def notice_people(
    people: dict[str, Any],
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    courtyard: dict[str, Any],
) -> dict[str, Any]:
    await seed_notice_people(sessions, clock(), courtyard["id"], base=people["folks"])
    async with sessions() as session, session.begin():  # they read Chinese
        await session.execute(update(User).values(language_code="zh-hans"))
    people["daughter"] = world.person("小刘", DAUGHTER_ID)
    people["group"] = world.group(RESIDENTS_GROUP, "纬三路13号院居民群")
    return people


async def sweep(world: World) -> None:
    async with world.sessions() as session, session.begin():
        await lifecycle.sweep(session, world.clock(), Policy())
    await world.deliver_all()


async def water_cut(leader: Person) -> None:
    await leader.sends("📢 发通知")
    await leader.sends(WATER)
    await leader.taps("🏢 选楼栋")
    await leader.taps("☐ 1号楼 (24户)")
    await leader.taps("☐ 2号楼 (24户)")
    await leader.taps("✅ 完成")
    await leader.taps("普通")
    await leader.taps("📤 立即发送")
    await leader.taps("✅ 需要回执")
    await leader.taps("1天内")
    assert leader.last_message().startswith("要不要带报名？")
    await leader.taps("不带报名")
    assert "报名" not in leader.texts()[-2]  # the preview: no event line
    await leader.taps("📤 发送")


async def bus_card_notice(leader: Person) -> None:
    await leader.sends("📢 发通知")
    await leader.sends(BUS)
    await leader.taps("🏘 整个楼院")
    await leader.taps("普通")
    await leader.taps("📤 立即发送")
    await leader.taps("不需要")
    await leader.taps("📅 要，带报名")
    assert "📅 报名：哪一天？" in leader.last_message()
    await leader.sends("下个星期")
    assert "没看懂这个日子。请这样发：12-06、12月6日 或 明天。" in leader.last_message()
    await leader.sends("明天")
    assert "在哪里办？" in leader.last_message()
    await leader.sends("社区活动室")
    assert "9:00-11:00 每15分钟 5人" in leader.last_message()  # the sign-ups' own example
    await leader.sends("上午九点到十一点")
    assert "没看懂这个时间：上午九点到十一点" in leader.last_message()
    await leader.sends("9:00-11:00 每15分钟 5人")
    preview, question = leader.texts()[-2:]
    assert "📅 报名：11-29（周日） 9:00-11:00，社区活动室，共 40 个名额" in preview
    for part in ("📅 带报名：", "📍 地点：社区活动室", "时间段：8 个，共 40 个名额",
                 "通知下面有「📅 报名」按钮。"):  # fmt: skip
        assert part in question
    await leader.taps("📤 发送")


async def test_water_cut_then_bus_card_renewal_from_one_notice(
    world: World,
    notice_people: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    leader, wang, zhao = (
        notice_people["leader"],
        notice_people["resident"],
        notice_people["neighbour"],
    )
    group = notice_people["group"]

    await water_cut(leader)
    await bus_card_notice(leader)
    async with sessions() as session:
        gathering = await session.scalar(select(Gathering))
        assert gathering is not None
        assert (gathering.notice_id, gathering.buildings, gathering.units) == (2, [], [])
        assert gathering.title == "公交卡年审"
        announcements = await session.scalar(
            select(func.count()).where(OutboxMessage.kind == "signup.announced")
        )
        assert announcements == 0  # the notice is the announcement
    await wang.sends("📅 活动报名")
    assert "现在没有可以报名的活动" in wang.last_message()  # not before the notice is out

    clock.advance(seconds=61)
    await sweep(world)
    letter = wang.last_message()
    assert letter.startswith("📢 <b>通知</b> · 纬三路13号院")
    assert "📅 报名：11-29（周日） 9:00-11:00，社区活动室，共 40 个名额" in letter
    assert wang.buttons() == ["📅 报名"]
    assert sum("公交卡年审" in t for t in wang.texts()) == 1  # ONE message, not two
    post = list(world.telegram.chat(RESIDENTS_GROUP).messages.values())[-1]
    assert post.reply_markup is not None
    button = post.reply_markup.inline_keyboard[0][0]
    assert (button.text, button.url) == (
        "📅 报名",
        f"https://t.me/courtyard_test_bot?start=signup-{gathering.id}",
    )

    # 王阿姨 signs up from the notice; the notice stays, the times come as a new message
    await wang.taps("📅 报名")
    assert wang.texts()[-2] == letter
    assert "📢 来自通知 #2" in wang.last_message()
    await wang.taps("9:15 剩 5 位")
    await wang.taps("✅ 确认报名")
    assert "✅ 已报名 9:15-9:30" in wang.last_message()
    # 赵大爷 follows the group's link
    await zhao.sends(f"/start signup-{gathering.id}")
    await zhao.taps("9:00 剩 5 位")
    await zhao.taps("✅ 确认报名")

    # reading later: 📢 通知公告 shows the event line and its button
    await wang.sends("📢 通知公告")
    await wang.taps("1")
    assert "📅 报名：11-29（周日）" in wang.last_message()
    assert "📅 报名" in wang.buttons()

    # the grid leader signs up 冯奶奶 (no phone) from 📅 活动报名
    await leader.sends("📅 活动报名")
    await leader.taps("公交卡年审 · 11-29（周日）")
    assert "📢 来自通知 #2" in leader.last_message()
    assert "已报名 2 / 共 40 位" in leader.last_message()
    await leader.taps("🙋 替邻居报名")
    await leader.sends("1-1-102")
    await leader.taps("冯奶奶（没有手机）")
    await leader.taps("9:15 剩 4 位")
    await leader.taps("✅ 确认报名")
    assert "✅ 已给 冯奶奶 报名：9:15-9:30" in leader.last_message()

    # 停水通知: 王阿姨 confirms, the leader sees the count and reminds only the rest
    await wang.taps("✅ 收到")
    await leader.sends("📋 我发的通知")
    await leader.taps("2")  # newest first: the bus card, then the water cut
    assert "✅ 已回执：1户" in leader.last_message()
    clock.advance(days=1)
    await sweep(world)
    await leader.taps("📋 看看谁还没回执")
    await leader.taps("⏰ 只提醒未回执的")
    assert "⏰ 提醒将发给未回执住户的" in leader.last_message()
    await world.deliver_all()
    assert zhao.last_message().startswith("⏰ <b>提醒</b>")
    assert not wang.last_message().startswith("⏰")  # her household confirmed
    assert not any("提醒" in t for t in leader.texts(group))
