"""Reporting as an elderly resident does it, in Chinese: each next question where she looks,
a description of a few real words, a report left for another button (or /start) kept and
resumed, a photo sent first, and honest words about quiet hours at 03:00."""

from __future__ import annotations

from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage
from harness import Person, World
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tickets_data import (
    STAFF_GROUP,
)

from models import Ticket, TicketMedia
from services.clock import FixedClock


def requests_to(world: World, person: Person, since: int) -> list[tuple[str, str]]:
    """What the bot did in the person's chat since request number `since`: (method, text)."""
    done = []
    for sent in world.telegram.requests[since:]:
        method = sent.method
        if sent.chat_id != person.id:
            continue
        if isinstance(method, SendMessage):
            done.append(("send", method.text))
        elif isinstance(method, EditMessageText):
            done.append(("edit", method.text))
        elif isinstance(method, EditMessageReplyMarkup):
            done.append(("drop buttons", ""))
    return done


async def tickets(sessions: async_sessionmaker[AsyncSession]) -> list[Ticket]:
    async with sessions() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


async def test_each_next_question_is_where_she_looks(
    world: World, people: dict[str, Person]
) -> None:
    resident = people["resident"]
    await resident.sends("/report")
    mark = len(world.telegram.requests)
    await resident.taps("💡 电路/照明")  # a tap on the newest question: it becomes the next
    [(how, text)] = requests_to(world, resident, mark)
    assert how == "edit"
    assert "请用几句话说明问题" in text

    mark = len(world.telegram.requests)
    await resident.sends("三楼楼道灯不亮了")  # her own words: the next question comes below
    assert requests_to(world, resident, mark) == [
        ("send", "📷 方便的话，请发问题的照片，最多 5 张。没有照片也可以直接继续。")
    ]
    await resident.sends("晚上很黑")  # not a photo: told which button goes on
    assert resident.last_message() == "请发送照片（不是文件或视频），或点“⏭ 不发照片”继续。"

    mark = len(world.telegram.requests)
    await resident.taps("⏭ 不发照片")  # on a question above her last messages
    assert requests_to(world, resident, mark) == [("drop buttons", ""), ("send", "问题在哪里？")]
    assert resident.last_message() == "问题在哪里？"

    await resident.taps("🏢 公共区域")
    mark = len(world.telegram.requests)
    await resident.sends("3楼楼道")
    assert requests_to(world, resident, mark) == [("send", "情况紧急吗？")]
    await resident.taps("普通")
    assert "请核对您的报修" in resident.last_message()

    mark = len(world.telegram.requests)
    await resident.taps("✅ 提交")
    [drop, (how, text)] = requests_to(world, resident, mark)
    assert drop == ("drop buttons", "")
    assert how == "send"
    assert text.startswith("✅ 已提交，工单号 <b>WSL-0001</b>。")
    assert "进度见“📋 我的报修”" in text
    assert resident.last_message() == text  # the news is at the bottom, with her menu
    assert "菜单" not in resident.texts()
    assert "📋 我的报修" in resident.menu()


async def test_a_thumbs_up_is_not_a_description(
    people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident = people["resident"]
    await resident.sends("/report")
    await resident.taps("🚰 水管/下水")
    for reply in ("👍", "ok", "好好好"):
        await resident.sends(reply)
        assert resident.last_message().startswith("请用几句话说明哪里坏了（至少 3 个字）")
    await resident.sends("厨房漏水")
    assert "请发问题的照片" in resident.last_message()
    assert await tickets(sessions) == []


async def test_another_menu_button_keeps_the_report_to_resume(
    people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident = people["resident"]
    await resident.sends("/menu")
    await resident.sends("/report")
    await resident.taps("💡 电路/照明")
    await resident.sends("三楼楼道灯不亮了")
    await resident.taps("📋 我的报修")
    kept, listing = resident.texts()[-2:]
    assert kept == "📝 您的报修（💡 电路/照明 “三楼楼道灯不亮了”）还没填完，已为您保留。"
    assert listing.startswith("您还没有报修。")  # and the button did what it does
    await resident.sends("电梯也坏了")  # no longer taken into the report
    assert "请发送照片" not in resident.last_message()

    await resident.taps("▶ 继续填写")
    assert resident.last_message().startswith("📷 方便的话，请发问题的照片")
    await resident.taps("⏭ 不发照片")
    await resident.taps("🏠 在我家")
    await resident.taps("普通")
    await resident.taps("✅ 提交")
    [ticket] = await tickets(sessions)
    assert ticket.description == "三楼楼道灯不亮了"


async def test_start_in_the_middle_offers_to_resume_or_discard(
    people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident = people["resident"]
    await resident.sends("/report")
    await resident.taps("🛗 电梯")
    await resident.sends("电梯按钮失灵")
    await resident.sends("/start")
    welcome, kept = resident.texts()[-2:]
    assert welcome == "王阿姨，您好！请从下方菜单选择需要办理的事。"
    assert kept.startswith("📝 您的报修（🛗 电梯 “电梯按钮失灵”）还没填完")
    assert resident.buttons() == ["▶ 继续填写", "🗑 不要了"]

    await resident.sends("/report")  # 🛠 again: go on with it, or start anew
    assert resident.last_message() == "📝 您有一份没填完的报修（🛗 电梯 “电梯按钮失灵”）。"
    assert resident.buttons() == ["▶ 继续填写", "🆕 重新报修"]
    await resident.taps("🆕 重新报修")
    assert "是哪方面的问题？" in resident.last_message()

    await resident.taps("🛗 电梯")
    await resident.sends("电梯按钮失灵了")
    await resident.sends("/start")
    await resident.taps("🗑 不要了")
    assert "没填完的报修已删除" in resident.texts()[-1]
    await resident.sends("/report")
    assert "是哪方面的问题？" in resident.last_message()
    assert await tickets(sessions) == []


async def test_a_photo_sent_first_starts_a_report_with_it(
    people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident, stranger = people["resident"], people["stranger"]
    await resident.sends_photo("photo-broken-lamp")
    assert resident.last_message() == "📷 要用这张照片报修吗？"
    await resident.taps("🛠 是的，报修")
    assert "是哪方面的问题？" in resident.last_message()
    await resident.taps("💡 电路/照明")
    await resident.sends("门口路灯坏了")
    assert resident.last_message().startswith("📷 已收到第 1 张照片")
    await resident.taps("✅ 完成")
    await resident.taps("🏢 公共区域")
    await resident.sends("单元门口")
    await resident.taps("普通")
    assert "📷 照片：1 张" in resident.last_message()
    await resident.taps("✅ 提交")
    [ticket] = await tickets(sessions)
    async with sessions() as session:
        media = (await session.scalars(select(TicketMedia))).all()
    assert [m.file_id for m in media] == ["photo-broken-lamp"]
    assert ticket.description == "门口路灯坏了"

    await stranger.sends_photo("selfie")  # no home to report for: not offered
    assert "要用这张照片报修吗" not in stranger.last_message()


async def test_at_three_in_the_morning_people_are_told_when_messages_arrive(
    world: World,
    people: dict[str, Person],
    clock: FixedClock,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    resident, leader, zhang, neighbour = (
        people["resident"],
        people["leader"],
        people["zhang"],
        people["neighbour"],
    )
    group = world.group(STAFF_GROUP, "维修群")
    clock.advance(hours=17)  # 03:00 in Zhengzhou
    await resident.sends("/report")
    await resident.taps("🚰 水管/下水")
    await resident.sends("卫生间水管滴水")
    await resident.taps("⏭ 不发照片")
    await resident.taps("🏠 在我家")
    await resident.taps("普通")
    await resident.taps("✅ 提交")
    assert "🌙 现在是夜间，维修组将在早上 8:00 起处理。" in resident.last_message()
    assert "WSL-0001" in zhang.last_message(group)  # the team's card is work: sent at once

    await leader.sends("/menu")
    await leader.taps("📞 代居民报修")
    await leader.taps("1号楼")
    await leader.taps("1单元")
    await leader.taps("101")
    await leader.taps("📞 打电话")
    await leader.taps("🚪 门/锁/门禁")
    await leader.sends("单元门禁坏了，老人进不了门")
    await leader.taps("⏭ 不发照片")
    await leader.taps("🏠 在对方家里")
    await leader.taps("普通")
    await leader.taps("✅ 提交")
    told = leader.last_message()
    assert "该住户将在早上 8:00 收到通知。" in told
    assert "“🗂 未完成工单”" in told
    assert "我的报修" not in told
    assert "🗂 未完成工单" in leader.menu()
    assert "WSL-0002" in zhang.last_message(group)
    await leader.sends("/report")  # no home of his own: pointed at the button he has
    assert leader.last_message() == (
        "您在这里没有登记自己的住户。要为居民报修，请点“📞 代居民报修”。"
    )
    assert neighbour.texts() == []  # news for residents waits for the morning

    await world.deliver_all()
    assert "WSL-0002" in neighbour.last_message()
    assert len(await tickets(sessions)) == 2
