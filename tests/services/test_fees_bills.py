"""Fee plans and the monthly bill run: amounts on a known data set reckoned independently
(rounding and adjustments included), frozen inputs, re-runs that write nothing, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.utils.i18n import I18n
from fees_data import FINANCE_ID, OTHER_FINANCE_ID, SUPERVISOR_ID, TODAY, expected_fen, grant
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID
from yards import ActorOf, room

from models import AdjustmentKind, BillLine, Event, FeePlan, Household, Rounding
from models.db import transaction
from services.access import Role
from services.clock import FixedClock
from services.errors import NotAllowed
from services.fees import adjustments, bills, plans
from services.fees.errors import (
    BadParkingFee,
    BadPercent,
    BadPeriod,
    BadRate,
    HouseholdElsewhere,
    PeriodAlreadyBilled,
    PeriodTooFarAhead,
    PlanPeriodTaken,
    ReasonRequired,
)


async def add_plan(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    courtyard_id: int,
    *,
    rate: str = "0.5555",
    parking: str = "40",
    period: str = "2026-11",
    rounding: Rounding = Rounding.HALF_UP,
) -> plans.PlanInfo:
    async with transaction(sessions) as session:
        return await plans.create(
            session,
            None,
            courtyard_id,
            name="基础服务方案",
            rate=rate,
            parking_fee=parking,
            from_period=period,
            now=clock(),
            rounding=rounding,
        )


async def lines(session: AsyncSession, courtyard_id: int, period: str) -> dict[int, BillLine]:
    rows = await session.scalars(
        select(BillLine).where(BillLine.courtyard_id == courtyard_id, BillLine.period == period)
    )
    return {line.household_id: line for line in rows}


async def test_bill_amounts_match_an_independent_reckoning(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> None:
    await add_plan(sessions, clock, yard["id"])
    async with transaction(sessions) as session:
        vacant = await room(session, yard["id"], "1号楼-1单元-101")
        waived = await room(session, yard["id"], "2号楼-2单元-602")
        await adjustments.add(
            session,
            None,
            yard["id"],
            vacant.id,
            kind=AdjustmentKind.VACANT,
            percent=50,
            reason="空置房，业主在外地",
            from_period="2026-11",
            now=clock(),
        )
        await adjustments.add(
            session,
            None,
            yard["id"],
            waived.id,
            kind=AdjustmentKind.HARDSHIP,
            reason="低保户",
            from_period="2026-10",
            now=clock(),
        )
    runs = await bills.run_period(sessions, "2026-11", clock())
    assert [(r.courtyard, r.issued, r.households) for r in runs] == [("纬三路13号院", 48, 48)]

    async with sessions() as session:
        homes = list(await session.scalars(select(Household)))
        billed = await lines(session, yard["id"], "2026-11")
    percent = {vacant.id: 50, waived.id: 0}
    expected = {
        h.id: expected_fen(
            h.area_centi_m2, h.parking_spaces, "0.5555", "40", percent.get(h.id, 100)
        )
        for h in homes
    }
    assert {h: line.amount_fen for h, line in billed.items()} == expected
    # 1-1-101: 62.60 m² × 0.5555 = 34.7743 + 1 × 40 = 74.7743, at 50 % = 37.38715 → 37.39
    assert billed[vacant.id].amount_fen == 3739
    assert billed[waived.id].amount_fen == 0
    line = billed[vacant.id]
    assert (line.area_centi_m2, line.rate_per_m2, line.parking_spaces, line.parking_fee_fen) == (
        6260,
        5555,
        1,
        4000,
    )
    assert (line.adjustment_percent, line.rounding) == (50, Rounding.HALF_UP)
    # some line really was rounded up and some down: the rule was exercised both ways
    exact = {
        h.id: bills.exact_amount(
            h.area_centi_m2, 5555, h.parking_spaces, 4000, percent.get(h.id, 100)
        )
        for h in homes
    }
    remainders = {e % bills.DENOMINATOR for e in exact.values()}
    assert any(r >= bills.DENOMINATOR // 2 for r in remainders)
    assert any(0 < r < bills.DENOMINATOR // 2 for r in remainders)


@pytest.mark.parametrize("rounding", [Rounding.DOWN, Rounding.UP])
async def test_the_plans_rounding_rule_is_applied_once_per_line(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    rounding: Rounding,
) -> None:
    await add_plan(sessions, clock, yard["id"], rate="0.5555", parking="39.99", rounding=rounding)
    await bills.run_period(sessions, "2026-11", clock())
    async with sessions() as session:
        homes = list(await session.scalars(select(Household)))
        billed = await lines(session, yard["id"], "2026-11")
    assert {h: line.amount_fen for h, line in billed.items()} == {
        h.id: expected_fen(h.area_centi_m2, h.parking_spaces, "0.5555", "39.99", 100, rounding)
        for h in homes
    }


async def test_rerunning_writes_nothing_and_bills_only_new_households(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> None:
    await add_plan(sessions, clock, yard["id"], rate="0.50")
    await bills.run_period(sessions, "2026-11", clock())
    async with transaction(sessions) as session:
        before = {
            h: (line.id, line.amount_fen)
            for h, line in (await lines(session, yard["id"], "2026-11")).items()
        }
        # the household's area is corrected afterwards: the issued line keeps its frozen inputs
        first = await room(session, yard["id"], "1号楼-1单元-101")
        await session.execute(
            update(Household).where(Household.id == first.id).values(area_centi_m2=9999)
        )
        session.add(
            Household(
                courtyard_id=yard["id"],
                building="3号楼",
                unit="1单元",
                room="101",
                area_centi_m2=10000,
                parking_spaces=2,
            )
        )
    again = await bills.run_period(sessions, "2026-11", clock())
    assert [r.issued for r in again] == [1]
    third = await bills.run_period(sessions, "2026-11", clock())
    assert [r.issued for r in third] == [0]
    async with sessions() as session:
        after = await lines(session, yard["id"], "2026-11")
        assert {h: (line.id, line.amount_fen) for h, line in after.items() if h in before} == before
        new = await room(session, yard["id"], "3号楼-1单元-101")
        assert after[new.id].amount_fen == 100 * 50 + 2 * 4000  # 100 m² × 0.50 + 2 × 40
        issued_events = await session.scalar(
            select(func.count()).where(Event.action == "bills_issued")
        )
        assert issued_events == 2  # the first run and the one that found a new household


async def test_the_plan_in_force_bills_each_period_and_billed_periods_are_closed(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> None:
    await add_plan(sessions, clock, yard["id"], rate="0.50", parking="40", period="2026-10")
    await add_plan(sessions, clock, yard["id"], rate="0.60", parking="0", period="2026-12")
    for period in ("2026-10", "2026-11", "2026-12"):
        await bills.run_period(sessions, period, clock())
    async with sessions() as session:
        home = await room(session, yard["id"], "2号楼-1单元-302")  # 67.70 m², no space
        rates = {
            p: (await lines(session, yard["id"], p))[home.id].amount_fen
            for p in ("2026-10", "2026-11", "2026-12")
        }
    assert rates == {"2026-10": 3385, "2026-11": 3385, "2026-12": 4062}
    with pytest.raises(PeriodAlreadyBilled) as refused:
        await add_plan(sessions, clock, yard["id"], rate="0.70", period="2026-12")
    assert refused.value.params["next"] == "2027-01"
    await add_plan(sessions, clock, yard["id"], rate="0.70", period="2027-01")
    with pytest.raises(PlanPeriodTaken):
        await add_plan(sessions, clock, yard["id"], rate="0.80", period="2027-01")
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FeePlan)) == 3


@pytest.mark.parametrize(
    ("rate", "parking", "period", "error"),
    [
        ("0.55555", "40", "2026-11", BadRate),
        ("-0.5", "40", "2026-11", BadRate),
        ("abc", "40", "2026-11", BadRate),
        ("0.50", "-1", "2026-11", BadParkingFee),
        ("0.50", "40.001", "2026-11", BadParkingFee),
        ("0.50", "40", "2026-13", BadPeriod),
        ("0.50", "40", "2026/11", BadPeriod),
    ],
)
async def test_bad_plans_are_refused_and_nothing_is_written(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    rate: str,
    parking: str,
    period: str,
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        await add_plan(sessions, clock, yard["id"], rate=rate, parking=parking, period=period)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FeePlan)) == 0


def test_exact_rates_are_kept_in_ten_thousandths() -> None:
    from services.fees import money

    assert [money.rate_per_m2(t) for t in ("0.50", "0.55", "0.5555", "1", "0")] == [
        5000,
        5500,
        5555,
        10000,
        0,
    ]
    assert money.rate_text(5000) == "0.50"
    assert money.rate_text(5555) == "0.5555"


def test_a_period_more_than_a_month_ahead_is_refused() -> None:
    assert bills.check_period("2026-12", TODAY) == "2026-12"
    assert bills.check_period("2025-01", TODAY) == "2025-01"
    with pytest.raises(PeriodTooFarAhead):
        bills.check_period("2027-01", TODAY)
    with pytest.raises(BadPeriod):
        bills.check_period("26-11", TODAY)


async def test_a_courtyard_without_a_plan_is_skipped(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
) -> None:
    await add_plan(sessions, clock, other_yard["id"], rate="0.50")
    runs = await bills.run_period(sessions, "2026-11", clock())
    assert {(r.courtyard, r.plan is not None, r.issued) for r in runs} == {
        ("纬三路13号院", False, 0),
        ("都市A座", True, 48),
    }


def test_every_fee_error_reads_in_chinese(i18n: I18n) -> None:
    from services.errors import DomainError
    from services.fees import errors

    classes = [
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, DomainError) and c.__module__ == errors.__name__
    ]
    assert len(classes) >= 15
    for error in classes:
        chinese = i18n.gettext(error.message, locale="zh_Hans")
        assert chinese != error.message, error.__name__
        assert "：" in chinese or "。" in chinese, error.__name__


async def test_only_finance_of_the_courtyard_sets_plans_and_adjustments(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
    actor_of: ActorOf,
) -> None:
    await grant(sessions, clock(), FINANCE_ID, Role.FINANCE, yard["id"])
    await grant(sessions, clock(), OTHER_FINANCE_ID, Role.FINANCE, other_yard["id"])
    await grant(sessions, clock(), SUPERVISOR_ID, Role.SUPERVISOR, None)
    finance = await actor_of(FINANCE_ID)
    for telegram_id in (OTHER_FINANCE_ID, SUPERVISOR_ID, LEADER_ID, ADMIN_ID, 7777):
        outsider = await actor_of(telegram_id)
        async with transaction(sessions) as session:
            with pytest.raises(NotAllowed):
                await plans.create(
                    session,
                    outsider,
                    yard["id"],
                    name="x",
                    rate="0.50",
                    parking_fee="0",
                    from_period="2026-11",
                    now=clock(),
                )
            home = await room(session, yard["id"], "1号楼-1单元-101")
            with pytest.raises(NotAllowed):
                await adjustments.add(
                    session,
                    outsider,
                    yard["id"],
                    home.id,
                    kind=AdjustmentKind.HARDSHIP,
                    reason="低保",
                    from_period="2026-11",
                    now=clock(),
                )
    async with transaction(sessions) as session:
        plan = await plans.create(
            session,
            finance,
            yard["id"],
            name="基础服务",
            rate="0.50",
            parking_fee="40",
            from_period="2026-11",
            now=clock(),
        )
        elsewhere = await room(session, other_yard["id"], "1号楼-1单元-101")
        with pytest.raises(HouseholdElsewhere):
            await adjustments.add(
                session,
                finance,
                yard["id"],
                elsewhere.id,
                kind=AdjustmentKind.VACANT,
                percent=50,
                reason="空置",
                from_period="2026-11",
                now=clock(),
            )
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.action == "fee_plan_created"))
        assert event is not None
        assert event.subject_id == plan.id
        assert event.data["rate_per_m2"] == 5000


async def test_the_newest_adjustment_covering_a_period_applies_until_its_end(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> None:
    await add_plan(sessions, clock, yard["id"], rate="0.50", parking="0", period="2026-09")
    async with transaction(sessions) as session:
        home = await room(session, yard["id"], "2号楼-1单元-302")  # 67.70 m²: 33.85 a month
        for percent, start, end in ((50, "2026-09", "2026-10"), (80, "2026-10", "2026-10")):
            await adjustments.add(
                session,
                None,
                yard["id"],
                home.id,
                kind=AdjustmentKind.VACANT,
                percent=percent,
                reason="空置房",
                from_period=start,
                to_period=end,
                now=clock(),
            )
        with pytest.raises(BadPercent):
            await adjustments.add(
                session,
                None,
                yard["id"],
                home.id,
                kind=AdjustmentKind.VACANT,
                percent=120,
                reason="空置房",
                from_period="2026-11",
                now=clock(),
            )
        with pytest.raises(ReasonRequired):
            await adjustments.add(
                session,
                None,
                yard["id"],
                home.id,
                kind=AdjustmentKind.HARDSHIP,
                reason="  ",
                from_period="2026-11",
                now=clock(),
            )
    for period in ("2026-09", "2026-10", "2026-11"):
        await bills.run_period(sessions, period, clock())
    async with sessions() as session:
        amounts = {
            p: (await lines(session, yard["id"], p))[home.id].amount_fen
            for p in ("2026-09", "2026-10", "2026-11")
        }
    # 33.85 × 50 % = 16.925 → 16.93; × 80 % = 27.08; then the full fee again
    assert amounts == {"2026-09": 1693, "2026-10": 2708, "2026-11": 3385}


def test_the_fee_commands_load_without_aiogram_or_the_store() -> None:
    import subprocess
    import sys

    probe = (
        "import argparse, sys; from bot import fee_commands; "
        "fee_commands.add_parsers(argparse.ArgumentParser().add_subparsers()); "
        "print(sorted(m for m in ('aiogram', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
