"""The fee jobs: the bill run at local midnight of the 1st bills the new local month (not the
UTC one, which is still the old month then), for every courtyard with a plan, harmless to run
again; the trigger fires at 00:05 Zhengzhou time; the reminder sweep is hourly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fee_reminders_data import local
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import BillLine, FeeReminder, OutboxMessage
from models.db import transaction
from scheduler.fees import JOBS, fee_bill_run
from scheduler.jobs import JobContext
from services.clock import FixedClock
from services.fees import plans
from services.policy import Policy


async def add_plan(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, courtyard_id: int
) -> None:
    async with transaction(sessions) as session:
        await plans.create(
            session,
            None,
            courtyard_id,
            name="基础服务",
            rate="0.50",
            parking_fee="40",
            from_period="2026-11",
            now=clock(),
        )


async def periods_billed(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.execute(
            select(BillLine.period, func.count()).group_by(BillLine.period)
        )
        return {str(period): int(n) for period, n in rows.tuples()}


async def test_the_bill_run_at_local_midnight_of_the_1st_bills_the_new_local_month(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    policy: Policy,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
) -> None:
    await add_plan(sessions, clock, yard["id"])  # 都市A座 has no plan: nothing billed there
    clock.now = local(2026, 12, 1, 0, 5)
    assert clock.now == datetime(2026, 11, 30, 16, 5, tzinfo=UTC)  # still November in UTC
    context = JobContext(sessions=sessions, clock=clock, policy=policy)
    assert await fee_bill_run(context) == 48
    assert await fee_bill_run(context) == 0  # a catch-up run (2nd, 3rd) writes nothing
    assert await periods_billed(sessions) == {"2026-12": 48}
    async with sessions() as session:
        notices = await session.scalar(select(func.count()).select_from(FeeReminder))
        waiting = list(await session.scalars(select(OutboxMessage.not_before)))
    assert notices == 48  # the notices are written with the bills ...
    assert set(waiting) <= {local(2026, 12, 1, 8, 0)}  # ... and wait for the morning


def test_the_bill_run_fires_at_five_past_midnight_local_on_the_first_days(
    policy: Policy,
) -> None:
    context = JobContext(sessions=None, clock=FixedClock(local(2026, 11, 20)), policy=policy)  # type: ignore[arg-type]
    specs = {spec.id: spec for spec in JOBS}
    trigger: Any = specs["fee-bill-run"].trigger(context)
    after = local(2026, 11, 20)
    fires = []
    for _ in range(4):
        after = trigger.get_next_fire_time(None, after)
        fires.append(after.astimezone(UTC))
        after = after + timedelta(seconds=1)
    assert fires == [
        local(2026, 12, 1, 0, 5),
        local(2026, 12, 2, 0, 5),
        local(2026, 12, 3, 0, 5),
        local(2027, 1, 1, 0, 5),
    ]
    sweep: Any = specs["fee-reminders"].trigger(context)
    assert sweep.interval == timedelta(hours=1)
