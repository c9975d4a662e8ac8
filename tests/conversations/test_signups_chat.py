"""Events with sign-up, as the people involved see them (in Chinese): the grid leader creates
the bus-card renewal, a resident signs up from the announcement, a neighbour without a phone is
signed up by the leader, a second sign-up is refused, the check-in list, the spreadsheet read
back; a full time and its waiting list; the reminder the day before."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from harness import Person, World
from openpyxl import load_workbook
from signups_data import bus_card_renewal, offline_neighbour
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID
from tickets_data import actor

from models import Gathering, GatheringSlot
from scheduler.jobs import JobContext
from scheduler.signups import signup_reminders
from services.clock import FixedClock
from services.policy import Policy
from views.signups.callbacks import ConfirmSlot

RESIDENTS_GROUP = -100888


async def link_residents_group(world: World, leader: Person) -> Any:
    group = world.group(RESIDENTS_GROUP, "纬三路13号院住户群")
    await world.add_bot_to_group(group, leader)
    await leader.sends("/link", chat=group)
    await leader.taps("纬三路13号院 · 居民群", chat=group)
    return group


async def the_gathering(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, list[int]]:
    async with sessions() as session:
        gathering = await session.scalar(select(Gathering))
        assert gathering is not None
        slots = list(
            await session.scalars(
                select(GatheringSlot.id)
                .where(GatheringSlot.gathering_id == gathering.id)
                .order_by(GatheringSlot.starts_at)
            )
        )
        return gathering.id, slots


async def create_bus_card_renewal(leader: Person) -> None:
    await leader.sends("/start")
    await leader.taps("📅 新建活动")
    assert "活动叫什么？" in leader.last_message()
    await leader.sends("公交卡年审")
    assert "在哪里？" in leader.last_message()
    await leader.sends("社区活动室")
    assert "哪一天？" in leader.last_message()
    await leader.sends("下个星期")
    assert "没看懂这个日子。请这样发：12-06、12月6日 或 明天。" in leader.last_message()
    await leader.sends("明天")
    assert "几点到几点，每段几人？" in leader.last_message()
    await leader.sends("上午九点到十一点")
    refused = leader.last_message()
    assert "没看懂这个时间：上午九点到十一点" in refused
    assert "9:00-11:00 每15分钟 5人" in refused  # the example, to copy
    await leader.sends("9:00-11:00 每15分钟 5人")
    preview = leader.last_message()
    for part in ("请核对", "公交卡年审", "📍 地点：社区活动室", "11-29（周日） 9:00-11:00",
                 "时间段：8 个，共 40 个名额", "发到住户群"):  # fmt: skip
        assert part in preview
    assert leader.buttons() == ["📢 发布", "✏️ 重填时间", "✖️ 不发了"]
    await leader.taps("📢 发布")
    assert "✅ 已发布：公交卡年审" in leader.last_message()


async def test_bus_card_renewal_from_creation_to_the_spreadsheet(
    world: World,
    people: dict[str, Person],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    leader, wang, zhao = people["leader"], people["resident"], people["neighbour"]
    group = await link_residents_group(world, leader)
    for person in (wang, zhao):
        await person.sends("/start")  # they read Chinese
    grandma = await offline_neighbour(
        sessions, people["folks"].homes["1号楼-1单元-101"], clock(), "刘奶奶"
    )
    assert grandma
    await create_bus_card_renewal(leader)
    gathering_id, slots = await the_gathering(sessions)

    # the residents' group: the event and a button into the private chat, no names
    post = leader.last_message(group)
    assert "📅 活动报名：<b>公交卡年审</b>" in post
    assert "共 40 个名额，先到先得。" in post
    last = list(world.telegram.chat(RESIDENTS_GROUP).messages.values())[-1]
    assert last.reply_markup is not None
    button = last.reply_markup.inline_keyboard[0][0]
    assert (button.text, button.url) == (
        "📅 报名",
        f"https://t.me/courtyard_test_bot?start=signup-{gathering_id}",
    )

    # 王阿姨 from the private announcement: free times as big buttons, a question, the answer
    assert "公交卡年审" in wang.last_message()
    await wang.taps("📅 选时间报名")
    assert "请选时间：" in wang.last_message()
    assert wang.buttons()[:2] == ["9:00 剩 5 位", "9:15 剩 5 位"]
    await wang.taps("9:15 剩 5 位")
    assert "报名 <b>公交卡年审</b>？" in wang.last_message()
    assert "🕘 11-29（周日） 9:15-9:30" in wang.last_message()
    await wang.taps("✅ 确认报名")
    assert "✅ 已报名 9:15-9:30" in wang.last_message()
    assert "前一天会提醒您。" in wang.last_message()
    # her events list shows her slot
    await wang.taps("📅 活动报名")
    assert "您的报名：\n• <b>公交卡年审</b> 11-29（周日） 9:15-9:30 · 已报名" in wang.last_message()

    # a second sign-up (a stale button for another time) is refused clearly
    message = list(world.telegram.chat(wang.id).messages.values())[-1]
    again = ConfirmSlot(g=gathering_id, s=slots[2]).pack()
    await world.feed(wang.callback_update(message, again))
    assert wang.alerts()[-1] == "王阿姨 已经报过名了：11-29 9:15-9:30。一个人只能报一次。"

    # 赵大爷 follows the group's link
    await zhao.sends(f"/start signup-{gathering_id}")
    assert "<b>公交卡年审</b>" in zhao.last_message()
    assert "9:15 剩 4 位" in zhao.buttons()

    # the grid leader signs up 刘奶奶, who has no phone: household picker, her name, a time
    await leader.taps("📅 活动报名")
    await leader.taps("公交卡年审 · 11-29（周日）")
    await leader.taps("🙋 替邻居报名")
    assert "替邻居报名。哪栋楼？" in leader.last_message()
    await leader.sends("1-1-101")
    assert "1号楼-1单元-101：给哪一位报名？" in leader.last_message()
    assert leader.buttons() == ["赵大爷", "刘奶奶（没有手机）", "↩️ 返回"]
    await leader.taps("刘奶奶（没有手机）")
    assert "给 刘奶奶（1号楼-1单元-101）选时间：" in leader.last_message()
    await leader.taps("9:15 剩 4 位")
    assert "报名人：刘奶奶（1号楼-1单元-101）" in leader.last_message()
    await leader.taps("✅ 确认报名")
    assert "✅ 已给 刘奶奶 报名：9:15-9:30" in leader.last_message()
    assert "没有手机的，会提醒你转告" in leader.last_message()

    # the check-in list: per time, names and rooms, ✅ buttons
    await leader.taps("📅 活动报名")
    await leader.taps("公交卡年审 · 11-29（周日）")
    await leader.taps("👥 签到名单")
    assert "已到 0 人 / 已报名 2 人" in leader.last_message()
    await leader.taps("9:15-9:30 · 2/5 人")
    roster = leader.last_message()
    assert "1. 王阿姨 2号楼-1单元-501" in roster
    assert "2. 刘奶奶 1号楼-1单元-101 （李网格长 代报）" in roster
    await leader.taps("✅ 到了：王阿姨 2号楼-1单元-501")
    assert "1. 王阿姨 2号楼-1单元-501 ✅" in leader.last_message()
    assert leader.alerts()[-1] == "✅ 已签到"
    assert leader.buttons() == ["✅ 到了：刘奶奶 1号楼-1单元-101", "↩️ 全部时间"]

    # the list as a spreadsheet, read back
    await leader.taps("↩️ 全部时间")
    await leader.taps("📄 导出表格")
    sheet = leader.files()[-1]
    assert sheet.filename == "公交卡年审-2026-11-29.xlsx"
    book = load_workbook(io.BytesIO(sheet.data))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert rows[0] == ["时间", "序号", "姓名", "房号", "状态", "已到", "代报人"]
    assert rows[1:] == [
        ["9:15-9:30", 1, "王阿姨", "2号楼-1单元-501", "已报名", "是", None],
        ["9:15-9:30", 2, "刘奶奶", "1号楼-1单元-101", "已报名", None, "李网格长"],
    ]


async def test_a_full_time_offers_the_waiting_list_and_a_cancel_promotes(
    world: World,
    people: dict[str, Person],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    policy: Policy,
) -> None:
    wang, zhao = people["resident"], people["neighbour"]
    for person in (wang, zhao):
        await person.sends("/start")
    gathering_id = await bus_card_renewal(
        sessions, await actor(sessions, LEADER_ID), people["folks"].courtyard_id, clock(),
        policy, slots="9:00-9:30 每15分钟 1人",
    )  # fmt: skip
    await world.deliver()
    await wang.sends(f"/start signup-{gathering_id}")
    await wang.taps("9:00 剩 1 位")
    await wang.taps("✅ 确认报名")
    await zhao.sends("/events")
    await zhao.taps("公交卡年审 · 11-29（周日）")
    assert zhao.buttons()[:2] == ["9:00 已满 · 可排队", "9:15 剩 1 位"]
    await zhao.taps("9:00 已满 · 可排队")
    assert "11-29（周日） 9:00-9:15 已满，要排队吗？" in zhao.last_message()
    await zhao.taps("🙋 排队")
    assert "已排队：9:00-9:15，第 1 位。" in zhao.last_message()
    await zhao.taps("📅 活动报名")
    assert "公交卡年审</b> 11-29（周日） 9:00-9:15 · 排队第 1 位" in zhao.last_message()

    await wang.taps("📅 活动报名")
    await wang.taps("公交卡年审 · 11-29（周日）")
    await wang.taps("取消报名")
    assert "确定取消 公交卡年审（11-29（周日） 9:00-9:15）的报名吗？" in wang.last_message()
    await wang.taps("是，取消")
    assert "已取消：公交卡年审。" in wang.last_message()
    assert "空出的名额已给排队的第一位。" in wang.last_message()
    told = zhao.last_message()
    assert "🎉 有人取消了，您补上了名额！" in told
    assert "🕘 11-29（周日） 9:00-9:15" in told
    await zhao.taps("📅 看我的报名")
    assert "✅ 您已报名：9:00-9:15" in zhao.last_message()


async def test_the_reminder_the_day_before_comes_once(
    world: World,
    people: dict[str, Person],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    policy: Policy,
) -> None:
    leader, wang = people["leader"], people["resident"]
    await wang.sends("/start")
    await leader.sends("/start")
    leading = await actor(sessions, LEADER_ID)
    gathering_id = await bus_card_renewal(
        sessions, leading, people["folks"].courtyard_id, clock(), policy, days=2
    )
    await world.deliver()
    await wang.sends(f"/start signup-{gathering_id}")
    await wang.taps("9:30 剩 5 位")
    await wang.taps("✅ 确认报名")
    context = JobContext(sessions=sessions, clock=clock, policy=policy)
    assert await signup_reminders(context) == 0  # two days ahead: not yet
    clock.now = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)  # 18:00 the day before
    assert await signup_reminders(context) == 1
    assert await signup_reminders(context) == 0
    await world.deliver()
    reminder = wang.last_message()
    assert "⏰ 明天别忘了：" in reminder
    assert "🕘 11-30（周一） 9:30-9:45" in reminder
    assert "📍 社区活动室" in reminder


@pytest.mark.parametrize("who", ["resident", "zhang", "service", "supervisor", "stranger"])
async def test_only_grid_leaders_and_admins_create_events(
    people: dict[str, Person], who: str
) -> None:
    person = people[who]
    await person.sends("/newevent")
    assert "只有" in person.last_message()
    assert "📅 新建活动" not in person.menu()


async def test_the_grid_leader_stops_sign_up_then_calls_the_event_off(
    world: World,
    people: dict[str, Person],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    policy: Policy,
) -> None:
    leader, wang, zhao = people["leader"], people["resident"], people["neighbour"]
    for person in (wang, zhao, leader):
        await person.sends("/start")
    gathering_id = await bus_card_renewal(
        sessions, await actor(sessions, LEADER_ID), people["folks"].courtyard_id, clock(), policy
    )
    await world.deliver()
    await wang.sends(f"/start signup-{gathering_id}")
    await wang.taps("9:00 剩 5 位")
    await wang.taps("✅ 确认报名")

    await leader.sends("/events")
    await leader.taps("公交卡年审 · 11-29（周日）")
    await leader.taps("🔒 停止报名")
    assert "已报名的人保留名额" in leader.last_message()
    await leader.taps("🔒 是，停止报名")
    assert "报名已停止" in leader.last_message()
    await zhao.sends(f"/start signup-{gathering_id}")
    assert "这个活动的报名已经结束。" in zhao.last_message()
    shown = list(world.telegram.chat(zhao.id).messages.values())[-1]
    assert shown.reply_markup is None  # no times to tap

    await leader.sends("/events")
    assert "公交卡年审" not in " ".join(leader.buttons())  # closed: off the list
    await leader.sends(f"/start signup-{gathering_id}")
    await leader.taps("✖️ 取消活动")
    assert "报名和排队的人都会收到通知" in leader.last_message()
    await leader.taps("✖️ 是，取消活动")
    assert "已取消，正在通知 1 人" in leader.last_message()
    told = wang.last_message()
    assert "✖️ 活动取消了，抱歉。不用来了：" in told
    assert "🕘 11-29（周日） 9:00-9:15" in told
