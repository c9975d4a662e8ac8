"""Composing in the chat: who may (every role), bad input answered clearly with nothing
written, a notice for later, withdrawing in the grace, an admin choosing courtyards, a photo
notice, and residents reading notices later (urgent ones marked, paged)."""

from __future__ import annotations

from typing import Any

import pytest
from harness import World
from notices_data import DAUGHTER_ID, RESIDENTS_GROUP, seed_notice_people
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import OTHER_LEADER_ID, seed_courtyard

from models import Notice, OutboxMessage, User
from services.clock import FixedClock
from services.notices import lifecycle
from services.policy import Policy


@pytest.fixture
async def notice_people(
    people: dict[str, Any],
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    courtyard: dict[str, Any],
) -> dict[str, Any]:
    await seed_notice_people(sessions, clock(), courtyard["id"], base=people["folks"])
    async with sessions() as session, session.begin():
        await session.execute(update(User).values(language_code="zh-hans"))
    people["daughter"] = world.person("小刘", DAUGHTER_ID)
    people["group"] = world.group(RESIDENTS_GROUP, "纬三路13号院居民群")
    return people


async def notices(world: World) -> int:
    async with world.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Notice)) or 0)


async def outbox_rows(world: World) -> int:
    async with world.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def sweep(world: World) -> None:
    async with world.sessions() as session, session.begin():
        await lifecycle.sweep(session, world.clock(), Policy())
    await world.deliver_all()


async def test_only_grid_leaders_and_admins_send(
    world: World, notice_people: dict[str, Any]
) -> None:
    for key in ("resident", "zhang", "service", "supervisor", "stranger"):
        person = notice_people[key]
        await person.sends("/notice")
        assert "抱歉，只有" in person.last_message(), key
        assert "📢 发通知" not in person.menu()
    assert await notices(world) == 0
    admin = notice_people["admin"]
    await admin.sends("/notice")
    assert admin.last_message().startswith("📢 给纬三路13号院发新通知")


async def test_bad_input_is_answered_and_nothing_is_written(
    world: World, notice_people: dict[str, Any]
) -> None:
    leader = notice_people["leader"]
    await leader.sends("📢 发通知")
    await leader.sends_photo("photo-no-words")
    assert leader.last_message() == "通知不能没有文字。请写下要告诉大家的话。"
    await leader.sends("长" * 3801)
    assert leader.last_message().startswith("通知太长了：最多3800个字，现在有3801个字。")
    await leader.sends_photo("photo-long", caption="长" * 801)
    assert "最多800个字" in leader.last_message()
    await leader.sends("电梯保养通知")
    await leader.taps("🚪 选单元")
    await leader.taps("✅ 完成")  # nothing chosen
    assert "您选的范围里没有住户" in leader.alerts()[-1]
    await leader.taps("☐ 1号楼 1单元 (12户)")
    await leader.taps("✅ 完成")
    await leader.taps("🔴 紧急")
    await leader.taps("🕗 定时发送")
    await leader.sends("09:00")  # 10:00 now: already past today
    assert leader.last_message() == "这个时间已经过去了，请选一个以后的时间。"
    await leader.sends("后天早上")
    assert "请输入时间" in leader.last_message()
    await leader.sends("11-28 11:00")
    await leader.taps("✅ 需要回执")
    await leader.sends("11-28 10:30")  # before it goes out
    assert "回执截止时间要在通知发出以后" in leader.last_message()
    assert await notices(world) == 0
    assert await outbox_rows(world) == 0
    await leader.taps("✖ 取消")  # the question above turns into the answer
    assert "已取消，什么也没有发出。" in leader.texts()
    assert await notices(world) == 0


async def test_later_notice_waits_and_can_be_withdrawn_until_then(
    world: World, notice_people: dict[str, Any], clock: FixedClock
) -> None:
    leader, wang = notice_people["leader"], notice_people["resident"]
    await leader.sends("📢 发通知")
    await leader.sends("周六上午老年人公交卡年审，请带身份证。")
    await leader.taps("🏘 整个楼院")
    await leader.taps("普通")
    await leader.taps("🕗 定时发送")
    await leader.sends("11-28 15:00")
    await leader.taps("不需要")
    await leader.taps("📤 发送")
    assert leader.last_message() == "🕗 将于 11-28 15:00 发出。发出前可以撤回。"
    clock.advance(hours=2)
    await world.deliver()
    assert wang.texts() == []
    await leader.taps("↩ 撤回")
    assert leader.last_message() == "↩ 已撤回，通知没有发出。"
    clock.advance(hours=4)
    await sweep(world)
    assert wang.texts() == []
    await leader.sends("📋 我发的通知")
    assert "已撤回" in leader.last_message()


async def test_withdraw_too_late(
    world: World, notice_people: dict[str, Any], clock: FixedClock
) -> None:
    leader = notice_people["leader"]
    await leader.sends("📢 发通知")
    await leader.sends("楼道灯已修好。")
    await leader.taps("🏘 整个楼院")
    await leader.taps("普通")
    await leader.taps("📤 立即发送")
    await leader.taps("不需要")
    await leader.taps("📤 发送")
    clock.advance(seconds=61)
    await leader.taps("↩ 撤回")
    assert leader.alerts()[-1].startswith("这条通知已经发出，不能撤回了。")


async def test_urgent_photo_pinned_and_residents_read_later(
    world: World, notice_people: dict[str, Any], clock: FixedClock
) -> None:
    leader, wang, zhao = (
        notice_people["leader"],
        notice_people["resident"],
        notice_people["neighbour"],
    )
    await leader.sends("📢 发通知")
    await leader.sends_photo("photo-burst-pipe", caption="2号楼水管爆裂，正在抢修，暂时停水。")
    await leader.taps("🏢 选楼栋")
    await leader.taps("☐ 2号楼 (24户)")
    await leader.taps("✅ 完成")
    await leader.taps("🔴 紧急")
    await leader.taps("📤 立即发送")
    await leader.taps("不需要")
    await leader.taps("📤 发送")
    clock.advance(seconds=61)
    await sweep(world)
    assert wang.last_message().startswith("🔴 <b>紧急通知</b> · 纬三路13号院\n致：2号楼")
    post = list(world.telegram.chat(RESIDENTS_GROUP).messages.values())[-1]
    assert post.photo
    assert post.photo[-1].file_id == "photo-burst-pipe"
    assert world.telegram.chat(RESIDENTS_GROUP).pinned == post.message_id
    assert zhao.texts() == []  # 1号楼

    for n in range(6):  # six more, for the whole courtyard
        await leader.sends("📢 发通知")
        await leader.sends(f"第{n + 1}条通知")
        await leader.taps("🏘 整个楼院")
        await leader.taps("普通")
        await leader.taps("📤 立即发送")
        await leader.taps("不需要")
        await leader.taps("📤 发送")
        clock.advance(minutes=2)
    await sweep(world)
    await wang.sends("📢 通知公告")
    listed = wang.last_message()
    assert listed.startswith("📢 <b>通知公告</b>")
    assert "第6条通知" in listed
    assert "水管爆裂" not in listed  # the oldest is on the next page
    assert wang.buttons() == ["1", "2", "3", "4", "5", "更早 ▶"]
    await wang.taps("更早 ▶")
    assert "🔴" in wang.last_message()
    assert "水管爆裂" in wang.last_message()
    await zhao.sends("📢 通知公告")
    assert "水管爆裂" not in zhao.last_message()  # not for his building
    assert zhao.buttons() == ["1", "2", "3", "4", "5", "更早 ▶"]
    await zhao.taps("更早 ▶")
    assert zhao.buttons() == ["6", "◀ 较新"]


async def test_admin_chooses_courtyards(
    world: World,
    notice_people: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    await seed_courtyard(sessions, clock(), "都市A座", code="DSA", leader_id=OTHER_LEADER_ID)
    admin = notice_people["admin"]
    await admin.sends("📢 发通知")
    assert admin.buttons()[:2] == ["☐ 纬三路13号院", "☐ 都市A座"]
    await admin.taps("全部楼院")
    assert admin.buttons()[:2] == ["☑ 纬三路13号院", "☑ 都市A座"]
    await admin.taps("✅ 下一步")
    await admin.sends("元旦放假安排：1月1日至3日服务中心休息。")
    assert admin.last_message().startswith("普通还是紧急？")  # several courtyards: each whole
    await admin.taps("普通")
    await admin.taps("📤 立即发送")
    await admin.taps("不需要")
    assert "将发给96户" in admin.last_message()
    await admin.taps("📤 发送")
    assert await notices(world) == 2


async def test_a_correction_and_reading_one_in_full(
    world: World, notice_people: dict[str, Any], clock: FixedClock
) -> None:
    leader, wang = notice_people["leader"], notice_people["resident"]
    await leader.sends("📢 发通知")
    await leader.sends("周六停电。")
    await leader.taps("🏘 整个楼院")
    await leader.taps("普通")
    await leader.taps("📤 立即发送")
    await leader.taps("✅ 需要回执")
    await leader.taps("3天内")
    await leader.taps("📤 发送")
    clock.advance(seconds=61)
    await sweep(world)
    await leader.sends("📋 我发的通知")
    await leader.taps("1")
    assert "📤 已于 11-28 10:01 发出。" in leader.last_message()
    await leader.taps("✏️ 发更正")
    assert leader.last_message().startswith("📢 给纬三路13号院发新通知")
    await leader.sends("更正：是周日停电，不是周六。")
    await leader.taps("🏘 整个楼院")
    await leader.taps("普通")
    await leader.taps("📤 立即发送")
    await leader.taps("不需要")
    assert "✏️ 本条更正 11-28 10:01 的通知。" in leader.texts()[-2]
    await leader.taps("📤 发送")
    clock.advance(seconds=61)
    await sweep(world)
    assert "✏️ 本条更正 11-28 10:01 的通知。" in wang.last_message()
    await wang.sends("📢 通知公告")
    assert "请回执" in wang.last_message()  # the first one still asks for her ✅
    await wang.taps("2")
    assert wang.last_message().startswith("📢 <b>通知</b> · 纬三路13号院\n\n周六停电。")
    await wang.taps("✅ 收到")
    assert wang.alerts()[-1] == "✅ 谢谢，已记下您收到了。"
    await wang.sends("📢 通知公告")
    assert "请回执" not in wang.last_message()
