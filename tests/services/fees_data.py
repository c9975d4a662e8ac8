"""Invented fee data for tests: finance clerks, an independent reckoning of bill amounts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Rounding
from services import roles
from services.access import Role

FINANCE_ID = 6001  # finance of 纬三路13号院
OTHER_FINANCE_ID = 6002  # finance of 都市A座
SUPERVISOR_ID = 6003  # supervisor of every courtyard
TODAY = date(2026, 11, 28)

DECIMAL_ROUNDING = {
    Rounding.HALF_UP: ROUND_HALF_UP,
    Rounding.DOWN: ROUND_FLOOR,
    Rounding.UP: ROUND_CEILING,
}


def expected_fen(
    area_centi_m2: int,
    spaces: int,
    rate_yuan: str,
    parking_yuan: str,
    percent: int = 100,
    rounding: Rounding = Rounding.HALF_UP,
) -> int:
    """What a clerk with a calculator gets: yuan in decimals, rounded once to the fen."""
    yuan = (Decimal(area_centi_m2) / 100 * Decimal(rate_yuan) + spaces * Decimal(parking_yuan)) * (
        Decimal(percent) / 100
    )
    return int((yuan * 100).quantize(Decimal(1), rounding=DECIMAL_ROUNDING[rounding]))


async def grant(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    telegram_id: int,
    role: Role,
    courtyard_id: int | None,
) -> None:
    async with sessions() as session, session.begin():
        user = await roles.user_by_telegram_id(session, telegram_id, now, create=True)
        await roles.grant(session, user, role, courtyard_id, now)
