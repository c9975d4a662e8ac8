"""Invented data for the fee reminder tests: 纬三路13号院's plan from December 2026 (0.50 ¥/m²,
¥40 a parking space), its December bills, local times in Zhengzhou, and a payment in full."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import BillLine, PaymentMethod
from models.db import transaction
from services import roles
from services.access import Role
from services.clock import FixedClock
from services.fees import bills, payments, plans
from services.policy import SHANGHAI

PERIOD = "2026-12"
FINANCE_ID = 6001


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local time in Zhengzhou as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


async def bill_december(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, courtyard_id: int
) -> None:
    """The plan, then December's bill run at 00:05 on the 1st (local)."""
    async with transaction(sessions) as session:
        await plans.create(
            session,
            None,
            courtyard_id,
            name="基础服务",
            rate="0.50",
            parking_fee="40",
            from_period=PERIOD,
            now=clock(),
        )
    clock.now = local(2026, 12, 1, 0, 5)
    await bills.run_period(sessions, PERIOD, clock())


async def bill_month(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, period: str
) -> None:
    await bills.run_period(sessions, period, clock())


async def pay_in_full(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    courtyard_id: int,
    household_id: int,
    period: str = PERIOD,
) -> None:
    async with transaction(sessions) as session:
        amount = await session.scalar(
            select(func.sum(BillLine.amount_fen)).where(
                BillLine.household_id == household_id, BillLine.period <= period
            )
        )
        today = clock().astimezone(SHANGHAI).date()
        await payments.record(
            session,
            None,
            courtyard_id,
            household_id,
            amount_fen=int(amount or 0),
            method=PaymentMethod.CASH,
            paid_on=today,
            today=today + timedelta(days=0),
            now=clock(),
        )


def day(value: datetime) -> date:
    return value.astimezone(SHANGHAI).date()


async def grant(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    telegram_id: int,
    role: Role,
    courtyard_id: int | None,
) -> None:
    async with sessions() as session, session.begin():
        user = await roles.user_by_telegram_id(session, telegram_id, now, create=True)
        await roles.grant(session, user, role, courtyard_id, now, tell=False)
