"""A grant or revoke by the service center (courtyard grant / revoke) tells the person at once,
and the message brings the menu their roles now give: no /menu needed."""

from __future__ import annotations

from typing import Any

from harness import World
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import roles
from services.access import Role
from services.clock import FixedClock

WORKER = 9301


async def change(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    telegram_id: int,
    role: Role,
    courtyard_id: int | None,
    *,
    grant: bool,
) -> bool:
    """As `courtyard grant` / `courtyard revoke` do it."""
    async with sessions() as session, session.begin():
        user = await roles.user_by_telegram_id(session, telegram_id, clock(), create=grant)
        if grant:
            return await roles.grant(session, user, role, courtyard_id, clock())
        return await roles.revoke(session, user, role, courtyard_id, clock())


async def test_a_granted_role_is_told_with_the_new_menu_and_a_revoke_takes_it_away(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    zhang = world.person("张师傅", WORKER, language_code="en")
    await zhang.sends("/start")
    assert "🔧 My tickets" not in zhang.menu()

    assert await change(sessions, clock, WORKER, Role.REPAIR, courtyard["id"], grant=True)
    await world.deliver_all()

    assert zhang.last_message() == (
        "🔑 The service center added you to the repair team (纬三路13号院). "
        "Your menu below now has their buttons."
    )
    assert "🔧 My tickets" in zhang.menu()

    # granting again changes nothing and says nothing
    told = len(zhang.texts())
    assert not await change(sessions, clock, WORKER, Role.REPAIR, courtyard["id"], grant=True)
    await world.deliver_all()
    assert len(zhang.texts()) == told

    assert await change(sessions, clock, WORKER, Role.REPAIR, courtyard["id"], grant=False)
    await world.deliver_all()

    assert zhang.last_message() == (
        "🔑 The service center took you off the repair team (纬三路13号院). "
        "Your menu below has changed."
    )
    assert "🔧 My tickets" not in zhang.menu()


async def test_a_role_for_every_courtyard_is_told_in_chinese(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    chen = world.person("陈主任", 9302)
    await chen.sends("/start")

    assert await change(sessions, clock, 9302, Role.SUPERVISOR, None, grant=True)
    await world.deliver_all()

    assert chen.last_message().startswith("🔑 服务中心已将您加入")
    assert "（全部楼院）" in chen.last_message()
    assert "🗂 " in " ".join(chen.menu())
