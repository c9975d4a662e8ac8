"""Invented sample data for tests: 纬三路13号院 with a few buildings (the rooms are made up)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Household
from services import courtyards, roles
from services.access import Role

LEADER_ID = 5001
ADMIN_ID = 5002
REPAIR_ID = 5003
OTHER_LEADER_ID = 5004  # grid leader of a second courtyard, 都市A座


def households(courtyard_id: int) -> list[Household]:
    return [
        Household(
            courtyard_id=courtyard_id,
            building=building,
            unit=unit,
            room=f"{floor}0{door}",
            area_centi_m2=6000 + floor * 250 + door * 10,
            parking_spaces=1 if door == 1 else 0,
        )
        for building in ("1号楼", "2号楼")
        for unit in ("1单元", "2单元")
        for floor in range(1, 7)
        for door in (1, 2)
    ]


async def seed_courtyard(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    name: str = "纬三路13号院",
    *,
    code: str = "WSL",
    leader_id: int = LEADER_ID,
) -> dict[str, Any]:
    """A courtyard with 48 households, its grid leader, and the service center's admin."""
    async with sessions() as session, session.begin():
        courtyard = await courtyards.create_courtyard(session, name, now, code=code)
        session.add_all(households(courtyard.id))
        leader = await roles.user_by_telegram_id(session, leader_id, now, create=True)
        await roles.grant(session, leader, Role.GRID_LEADER, courtyard.id, now, tell=False)
        admin = await roles.user_by_telegram_id(session, ADMIN_ID, now, create=True)
        await roles.grant(session, admin, Role.ADMIN, None, now, tell=False)
        return {
            "id": courtyard.id,
            "name": courtyard.name,
            "invite": courtyard.invite_code,
            "leader_user_id": leader.id,
        }
