"""Reporting, step by step, as residents and customer service do it: by voice, with too many
photos or the wrong kind of message, for one of two homes, and for a neighbour who phoned."""

from __future__ import annotations

import pytest
from aiogram.methods import SendVoice
from aiogram.types import Document, Sticker
from harness import Person, World
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tickets_data import (
    STAFF_GROUP,
)

from models import Household, Ticket

pytestmark = pytest.mark.english


async def tickets(sessions: async_sessionmaker[AsyncSession]) -> list[Ticket]:
    async with sessions() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


async def test_an_urgent_report_by_voice_in_a_common_area(
    world: World, people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident, zhang = people["resident"], people["zhang"]
    group = world.group(STAFF_GROUP, "维修群")
    await resident.sends("/report")
    await resident.taps("🛗 Elevator")
    await resident.sends_voice("voice-lift", duration=8)
    assert "send up to 5 photos" in resident.last_message()
    await resident.taps("⏭ No photos")
    await resident.taps("🏢 Common area")
    assert "Where exactly?" in resident.last_message()
    await resident.sends("2号楼电梯")
    await resident.taps("🚨 Urgent: no water, no power, someone trapped")
    summary = resident.last_message()
    for part in ("Voice message, 8 s", "Common area: 2号楼电梯", "Urgent", "Photos: 0"):
        assert part in summary
    await resident.taps("✅ File it")
    assert "Marked urgent" in resident.last_message()

    card = zhang.last_message(group)
    assert "URGENT repair request" in card
    assert "Told by voice message" in card
    assert zhang.buttons(group) == ["🙋 Claim", "🎤 Voice"]
    await zhang.taps("🎤 Voice", chat=group)
    [voice] = [r.method for r in world.telegram.requests if isinstance(r.method, SendVoice)]
    assert voice.voice == "voice-lift"
    assert int(voice.chat_id) == STAFF_GROUP
    [ticket] = await tickets(sessions)
    assert ticket.description is None
    assert ticket.urgency.value == "urgent"
    assert ticket.place == "2号楼电梯"


async def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    world: World, people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident = people["resident"]
    await resident.sends("/report")
    await resident.taps("💡 Electricity / lighting")
    await resident.sends("灯" * 501)
    assert resident.last_message() == (
        "Please keep it shorter: at most 500 characters (you sent 501)."
    )
    sticker = Sticker(
        file_id="st",
        file_unique_id="st",
        type="regular",
        width=1,
        height=1,
        is_animated=False,
        is_video=False,
    )
    await world.feed(resident.message_update("", sticker=sticker))
    assert "Stickers, videos and files cannot be used" in resident.last_message()
    await resident.sends_photo("no-caption")
    assert "Please first say in words" in resident.last_message()
    await resident.sends("楼道灯不亮")
    for n in range(1, 6):
        await resident.sends_photo(f"photo-{n}")
    assert "Photo 5 of 5 received" in resident.last_message()
    await resident.sends_photo("photo-6")
    assert resident.last_message() == (
        "At most 5 photos. This one was not added; tap ✅ Done to go on."
    )
    document = Document(file_id="doc", file_unique_id="doc", file_name="photo.jpg")
    await world.feed(resident.message_update("", document=document))
    assert "Please send a photo (not a file or a video)" in resident.last_message()
    await resident.taps("✅ Done")
    await resident.taps("🏢 Common area")
    await resident.sends("x" * 61)
    assert "Please say where in a few words (at most 60 characters)" in resident.last_message()
    await resident.sends("1号楼三楼")
    await resident.taps("Normal")
    assert "Photos: 5" in resident.last_message()
    await resident.taps("✖ Cancel")
    assert resident.last_message() == "Cancelled. Nothing was filed."
    assert await tickets(sessions) == []
    stale = resident.tap_update("✅ Done")
    await world.feed(stale)
    assert "This button has expired" in resident.alerts()[-1]
    assert await tickets(sessions) == []


async def test_someone_without_a_home_cannot_report(people: dict[str, Person]) -> None:
    stranger = people["stranger"]
    await stranger.sends("/report")
    assert stranger.last_message() == ("You can only report repairs for a household you belong to.")


async def test_a_resident_of_two_homes_picks_one(
    people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    sun = people["sun"]
    await sun.sends("/report")
    assert "Which home" in sun.last_message()
    assert sun.buttons()[:2] == ["纬三路13号院 1号楼-2单元-201", "纬三路13号院 2号楼-2单元-602"]
    await sun.taps("纬三路13号院 2号楼-2单元-602")
    assert "2号楼-2单元-602" in sun.last_message()
    await sun.taps("🧹 Cleaning / garbage")
    await sun.sends("垃圾桶满了")
    await sun.taps("⏭ No photos")
    await sun.taps("🏢 Common area")
    await sun.sends("2号楼门口")
    await sun.taps("Normal")
    await sun.taps("✅ File it")
    [ticket] = await tickets(sessions)
    async with sessions() as session:
        home = await session.get(Household, ticket.household_id)
    assert home is not None
    assert home.label() == "2号楼-2单元-602"


async def test_customer_service_files_for_a_neighbour_who_phoned(
    world: World, people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    service, neighbour, zhang = people["service"], people["neighbour"], people["zhang"]
    group = world.group(STAFF_GROUP, "维修群")
    await service.sends("/menu")
    assert "📞 File for a resident" in service.menu()
    await service.taps("📞 File for a resident")
    assert "Which building?" in service.last_message()
    await service.taps("1号楼")
    await service.taps("1单元")
    await service.taps("101")
    assert "How did they tell you?" in service.last_message()
    await service.taps("📞 Phone call")
    await service.taps("🚪 Doors / locks / access")
    await service.sends("单元门禁坏了，老人进不了门")
    await service.taps("⏭ No photos")
    assert service.buttons()[0] == "🏠 In their home"
    await service.taps("🏠 In their home")
    await service.taps("Normal")
    assert "Received by a phone call" in service.last_message()
    await service.taps("✅ File it")
    assert "Filed as <b>WSL-0001</b>" in service.last_message()

    told = neighbour.last_message()
    assert "小陈 filed a repair request for your home 1号楼-1单元-101, after a phone call" in told
    assert "(after a phone call)" in zhang.last_message(group)
    [ticket] = await tickets(sessions)
    assert ticket.on_behalf
    assert ticket.channel == "phone"

    await zhang.taps("🙋 Claim", chat=group)
    assert "张师傅 has taken your repair request WSL-0001" in neighbour.last_message()
    assert "张师傅 has taken your repair request WSL-0001" in service.last_message()
    await zhang.taps("✅ Fixed it")
    await zhang.sends("换了门禁读卡器")
    await zhang.taps("⏭ Skip")
    assert "says WSL-0001 is fixed" in neighbour.last_message()
    await neighbour.taps("👍 Yes, fixed")
    assert "How was the repair?" in neighbour.last_message()
    assert "赵大爷 confirmed that WSL-0001 is fixed" in service.last_message()


async def test_a_resident_cannot_file_for_others(people: dict[str, Person]) -> None:
    resident = people["resident"]
    await resident.sends("/file")
    assert resident.last_message().startswith("Sorry, only")
