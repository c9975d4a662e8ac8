"""Joining a courtyard through the invite link, and a grid leader's answer."""

from __future__ import annotations

from typing import Any

from harness import World
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID

from models import Membership, MembershipStatus


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
    assert "王阿姨" in request and "2号楼-1单元-501" in request
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
