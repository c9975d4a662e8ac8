"""Invented bills for the residents' fee tests: 纬三路13号院 (tests_data) with a plan of
¥0.55 per m² and ¥40 per parking space from 2026-09, three months billed, and 王阿姨's flat
(2号楼-1单元-501: 72.60 m², one parking space) at 50% from 2026-11 (空置房). Finance clerks:
6001 in 纬三路13号院 (小李), 6004 as well (小张)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import AdjustmentKind, Household, User
from models.db import transaction
from services import roles
from services.access import Role
from services.fees import adjustments, bills, plans

FINANCE_ID = 6001
FINANCE2_ID = 6004
FINANCE_NAMES = {FINANCE_ID: "财务小李", FINANCE2_ID: "财务小张"}
RATE, PARKING = "0.55", "40"
PERIODS = ("2026-09", "2026-10", "2026-11")
HOME = "2号楼-1单元-501"  # 王阿姨's: 72.60 m², 1 parking space
TODAY = date(2026, 11, 28)


async def home_id(session: AsyncSession, courtyard_id: int, label: str = HOME) -> int:
    building, unit, room = label.split("-")
    found = await session.scalar(
        select(Household.id).where(
            Household.courtyard_id == courtyard_id,
            Household.building == building,
            Household.unit == unit,
            Household.room == room,
        )
    )
    assert found is not None, label
    return found


async def seed_bills(
    sessions: async_sessionmaker[AsyncSession], now: datetime, courtyard_id: int
) -> int:
    """The plan, the vacant-flat adjustment and three billed months; returns HOME's id."""
    async with transaction(sessions) as session:
        await plans.create(
            session,
            None,
            courtyard_id,
            name="基础服务",
            rate=RATE,
            parking_fee=PARKING,
            from_period=PERIODS[0],
            now=now,
        )
        home = await home_id(session, courtyard_id)
        await adjustments.add(
            session,
            None,
            courtyard_id,
            home,
            kind=AdjustmentKind.VACANT,
            percent=50,
            reason="长期无人居住",
            from_period="2026-11",
            now=now,
        )
    for period in PERIODS:
        await bills.run_period(sessions, period, now)
    return home


async def seed_finance(
    sessions: async_sessionmaker[AsyncSession], now: datetime, courtyard_id: int
) -> dict[int, int]:
    """Two finance clerks of the courtyard; Telegram id -> user id."""
    users: dict[int, int] = {}
    async with sessions() as session, session.begin():
        for telegram_id, name in FINANCE_NAMES.items():
            user = await roles.user_by_telegram_id(session, telegram_id, now, create=True)
            user.name = name
            await roles.grant(session, user, Role.FINANCE, courtyard_id, now, tell=False)
            users[telegram_id] = user.id
    return users


async def user_named(session: AsyncSession, telegram_id: int) -> User:
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    assert user is not None
    return user
