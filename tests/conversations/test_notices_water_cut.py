"""Done when: a grid leader sends 「停水通知」 to two buildings, residents confirm (in private
and in the residents' group), the leader sees the counts and reminds only the rest."""

from __future__ import annotations

from typing import Any

import pytest
from harness import World
from notices_data import DAUGHTER_ID, RESIDENTS_GROUP, seed_notice_people
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import User
from services.clock import FixedClock
from services.notices import lifecycle
from services.policy import Policy

TEXT = "停水通知：明天9:00-17:00 1号楼、2号楼停水检修，请提前储水。"


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


async def test_water_cut_to_two_buildings(
    world: World, notice_people: dict[str, Any], clock: FixedClock
) -> None:
    leader, wang, daughter = (
        notice_people["leader"],
        notice_people["resident"],
        notice_people["daughter"],
    )
    sun, zhao, stranger = (
        notice_people["sun"],
        notice_people["neighbour"],
        notice_people["stranger"],
    )
    group = notice_people["group"]

    await leader.sends("📢 发通知")
    assert "请发来通知的文字" in leader.last_message()
    await leader.sends(TEXT)
    assert leader.last_message() == "发给谁？"
    await leader.taps("🏢 选楼栋")
    assert leader.buttons()[:2] == ["☐ 1号楼 (24户)", "☐ 2号楼 (24户)"]
    await leader.taps("☐ 1号楼 (24户)")
    await leader.taps("☐ 2号楼 (24户)")
    assert leader.buttons()[:2] == ["☑ 1号楼 (24户)", "☑ 2号楼 (24户)"]
    await leader.taps("✅ 完成")
    await leader.taps("普通")
    await leader.taps("📤 立即发送")
    await leader.taps("✅ 需要回执")
    await leader.taps("1天内")
    preview, question = leader.texts()[-2:]
    assert preview.startswith("📢 <b>通知</b> · 纬三路13号院\n致：1号楼、2号楼\n\n" + TEXT)
    assert "—— 李网格长" in preview
    assert "请在 11-29 10:01 前点下面的「✅ 收到」。" in preview
    assert "将发给48户，其中4人能在 Telegram 上收到" in question
    assert "有44户在 Telegram 上联系不到" in question
    assert wang.texts() == []  # nothing goes before 发送
    await leader.taps("📤 发送")
    assert leader.last_message() == "📤 一分钟后发出。发出前可以撤回。"
    assert leader.buttons() == ["↩ 撤回"]
    await world.deliver()
    assert wang.texts() == []  # the grace: still nothing

    clock.advance(seconds=61)
    await sweep(world)
    for person in (wang, daughter, sun, zhao):
        assert person.last_message() == preview
        assert person.buttons() == ["✅ 收到"]
    assert leader.last_message(group) == preview  # the post in the residents' group
    assert leader.buttons(group) == ["✅ 收到"]
    assert world.telegram.chat(RESIDENTS_GROUP).pinned is None  # a normal notice: not pinned

    # 冯奶奶 has no phone: she is on the grid leader's visit list, and is told at her door
    await leader.sends("🚪 上门名单")
    assert "通知 #1：请当面告知（44 户）" in leader.last_message()
    feng = next(b for b in leader.buttons() if "冯奶奶" in b)
    await leader.taps(feng)
    assert "通知 #1：请当面告知" in leader.last_message()
    await leader.taps("✅ 已告知")

    await wang.taps("✅ 收到")
    assert wang.alerts()[-1] == "✅ 谢谢，已记下您收到了。"
    await wang.taps("✅ 收到")
    assert wang.alerts()[-1] == "您已确认收到。"
    await sun.taps("✅ 收到", chat=group)  # in the residents' group
    assert sun.alerts()[-1] == "✅ 谢谢，已记下您收到了。"
    await stranger.taps("✅ 收到", chat=group)
    assert stranger.alerts()[-1] == "谢谢！这条通知是发给其他住户的，您不用回执。"

    await leader.sends("📋 我发的通知")
    assert "停水通知" in leader.last_message()
    await leader.taps("1")
    counts = leader.last_message()
    assert "通知范围：48户" in counts
    assert "私信：已送达4条，共发5条" in counts  # 钱先生 blocked the bot
    assert "居民群：已发出1个，共1个" in counts
    assert "✅ 已回执：3户（2人）" in counts  # 孙先生's two homes count as two households
    assert "🚪 当面告知：上门名单44户中已告知1户" in counts
    assert "⏰ 只提醒未回执的" not in leader.buttons()

    clock.advance(days=1)
    await sweep(world)
    assert "2户" not in leader.last_message()
    assert "48户中有3户已回执" in leader.last_message()
    await leader.taps("📋 看看谁还没回执")
    missing = leader.last_message()
    assert "未回执的住户（45户，只有您能看到）" in missing
    assert "2号楼-1单元-501" not in missing
    assert "1号楼-1单元-101" in missing
    await leader.taps("⏰ 只提醒未回执的")
    assert leader.last_message() == "⏰ 提醒将发给未回执住户的2个人。"
    await world.deliver_all()
    assert zhao.last_message().startswith("⏰ <b>提醒</b>")
    assert wang.last_message() == preview  # her household confirmed: no reminder
    assert daughter.last_message() == preview
    group_texts = leader.texts(group)
    assert not any("提醒" in text for text in group_texts)  # the group never sees who
