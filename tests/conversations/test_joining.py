"""Joining a courtyard through the invite link, and a grid leader's answer."""

from __future__ import annotations

from typing import Any

from harness import World
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID

from models import Membership, MembershipStatus
from services.clock import FixedClock


async def memberships(sessions: async_sessionmaker[AsyncSession]) -> list[Membership]:
    async with sessions() as session:
        return list(await session.scalars(select(Membership).order_by(Membership.id)))


async def test_resident_joins_and_leader_approves(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident = world.person("王阿姨", 9001, language_code="en")
    leader = world.person("李网格长", LEADER_ID, language_code="en")

    await resident.sends(f"/start {courtyard['invite']}")
    assert "Which building" in resident.last_message()
    assert resident.buttons() == ["1号楼", "2号楼"]
    await resident.taps("2号楼")
    assert "Which unit" in resident.last_message()
    await resident.taps("1单元")
    assert "Which room" in resident.last_message()
    await resident.taps("501")
    await resident.taps("Owner")
    assert "sent to the grid leader" in resident.last_message()

    # the leader has never written to the bot: the request is rendered in the default, Chinese
    request = leader.last_message()
    assert "新的入户申请" in request
    assert "王阿姨" in request
    assert "2号楼-1单元-501" in request
    await leader.taps("✅ 同意")
    # once they act, their Telegram language (en) is known and used
    assert "Approved" in leader.last_message()
    assert "Welcome" in resident.last_message()

    [membership] = await memberships(sessions)
    assert membership.status is MembershipStatus.APPROVED
    assert membership.decided_by == courtyard["leader_user_id"]
    # the welcome brings the resident's menu with it: no /menu needed
    assert "🏠 My home" in resident.menu()
    assert "🛠 Report a repair" in resident.menu()


async def test_a_request_at_three_in_the_morning_says_when_the_leader_gets_it(
    world: World,
    courtyard: dict[str, Any],
    clock: FixedClock,
) -> None:
    resident = world.person("王阿姨", 9001)
    leader = world.person("李网格长", LEADER_ID)
    clock.advance(hours=17)  # 03:00 in Zhengzhou
    await resident.sends(f"/start {courtyard['invite']}")
    await resident.taps("2号楼")
    await resident.taps("1单元")
    await resident.taps("501")
    await resident.taps("业主")
    assert resident.last_message().endswith("\n网格长将在早上 8:00 收到。")
    assert leader.texts() == []  # a join request waits out the quiet hours
    await world.deliver_all()
    assert "新的入户申请" in leader.last_message()
