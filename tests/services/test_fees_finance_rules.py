"""The rules behind finance's fee screens: a plan's month checked before it is saved, a reference
checked at its step, a household's open months and payments, the households owing (staff of the
courtyard only), a group's aggregate figures, the receipt to the household, percentages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fees_data import FINANCE_ID, OTHER_FINANCE_ID, SUPERVISOR_ID, TODAY, grant
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from test_fees_payments import billed_home, pay
from tests_data import ADMIN_ID, LEADER_ID
from tickets_data import RESIDENT_ID, seed_ticket_people
from yards import ActorOf, room

from models import AdjustmentKind, OutboxMessage, PaymentMethod
from models.db import transaction
from services.access import Role
from services.clock import FixedClock
from services.errors import NotAllowed
from services.fees import accounts, adjustments, arrears, collection, money, payments, plans
from services.fees.errors import (
    BadPercent,
    BadPeriod,
    DuplicateReference,
    PeriodAlreadyBilled,
    PlanPeriodTaken,
    ReasonRequired,
)
from services.fees.receipts import FeeReceipt, tell_household
from services.policy import Policy


@pytest.fixture
async def staff(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
) -> None:
    await grant(sessions, clock(), FINANCE_ID, Role.FINANCE, yard["id"])
    await grant(sessions, clock(), OTHER_FINANCE_ID, Role.FINANCE, other_yard["id"])
    await grant(sessions, clock(), SUPERVISOR_ID, Role.SUPERVISOR, None)


async def test_a_plans_month_is_checked_before_it_is_saved(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    staff: None,
    actor_of: ActorOf,
) -> None:
    await billed_home(sessions, clock, yard["id"])  # a plan from 2026-09, billed to 2026-11
    who = {
        t: await actor_of(t)
        for t in (FINANCE_ID, SUPERVISOR_ID, ADMIN_ID, OTHER_FINANCE_ID, LEADER_ID)
    }
    async with sessions() as session:
        with pytest.raises(PeriodAlreadyBilled) as billed:
            await plans.check_from_period(session, yard["id"], "2026-11")
        assert billed.value.params["next"] == "2026-12"
        with pytest.raises(BadPeriod):
            await plans.check_from_period(session, yard["id"], "2026/12")
        assert await plans.check_from_period(session, yard["id"], " 2026-12 ") == "2026-12"
        assert await plans.earliest_new_period(session, yard["id"], "2026-11") == "2026-12"
        assert await plans.earliest_new_period(session, yard["id"], "2027-02") == "2027-02"
    async with transaction(sessions) as session:
        await plans.create(
            session,
            who[FINANCE_ID],
            yard["id"],
            name="带门卫",
            rate="0.60",
            parking_fee="80",
            from_period="2027-01",
            now=clock(),
        )
    async with sessions() as session:
        with pytest.raises(PlanPeriodTaken):
            await plans.check_from_period(session, yard["id"], "2027-01")
        rows = await plans.overview(session, who[SUPERVISOR_ID], yard["id"])
        assert [(r.plan.from_period, r.billed) for r in rows] == [
            ("2026-09", True),
            ("2027-01", False),
        ]
        for outsider in (OTHER_FINANCE_ID, LEADER_ID):
            with pytest.raises(NotAllowed):
                await plans.overview(session, who[outsider], yard["id"])
        assert await plans.overview(session, who[ADMIN_ID], yard["id"])


def test_adjustment_inputs_are_read_strictly() -> None:
    assert adjustments.parse_percent(" 50% ") == 50
    assert adjustments.parse_percent("0") == 0
    for bad in ("101", "-5", "50.5", "²", "half"):
        with pytest.raises(BadPercent):
            adjustments.parse_percent(bad)
    assert adjustments.clean_reason(" 低保 ") == "低保"
    for empty in ("", "   ", None, "x" * 301):
        with pytest.raises(ReasonRequired):
            adjustments.clean_reason(empty)


def test_rates_are_shown_from_the_exact_decimal() -> None:
    assert money.percent(Decimal("0.9444")) == "94.44%"
    assert money.percent(Decimal("1.0000")) == "100.00%"
    assert money.percent(Decimal("0.0001")) == "0.01%"
    assert money.percent(None) == "-"


async def test_the_households_open_months_payments_and_a_reference_checked_early(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    staff: None,
    actor_of: ActorOf,
) -> None:
    home = await billed_home(sessions, clock, yard["id"])  # 33.85 a month, three months
    finance = await actor_of(FINANCE_ID)
    first = await pay(sessions, clock, finance, yard["id"], home.id, "20", reference="XJ-1")
    await pay(sessions, clock, finance, yard["id"], home.id, "20")
    outsiders = [await actor_of(t) for t in (OTHER_FINANCE_ID, SUPERVISOR_ID, LEADER_ID)]
    async with sessions() as session:
        dues = await accounts.dues(session, finance, home.id)
        # 40.00 settles 2026-09 (33.85) and 6.15 of 2026-10, whatever the allocations' count
        assert [(m.period, m.open_fen) for m in dues.months] == [
            ("2026-10", 3385 - 615),
            ("2026-11", 3385),
        ]
        assert dues.total_fen == 3 * 3385 - 4000
        assert dues.credit_fen == 0
        with pytest.raises(DuplicateReference) as twice:
            await payments.check_reference(session, yard["id"], " XJ-1 ")
        assert twice.value.params["receipt"] == first.receipt_number
        await payments.check_reference(session, yard["id"], "XJ-2")
        await payments.check_reference(session, yard["id"], None)
        for outsider in outsiders:
            with pytest.raises(NotAllowed):
                await accounts.dues(session, outsider, home.id)
    async with transaction(sessions) as session:
        await payments.reverse(
            session, finance, yard["id"], first.receipt_number, reason="录错", now=clock()
        )
    async with sessions() as session:
        listed = await accounts.payments_of(session, finance, home.id)
        # newest first; the reversed one is kept, with its reason
        assert [(p.receipt_number, p.reversed_reason) for p in listed] == [
            ("WSL-R000002", None),
            (first.receipt_number, "录错"),
        ]
        assert (await accounts.dues(session, finance, home.id)).total_fen == 3 * 3385 - 2000
        owner = await accounts.household_of_receipt(
            session, finance, yard["id"], first.receipt_number
        )
        assert owner == home.id


async def test_the_households_owing_by_address_for_staff_of_the_courtyard_only(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    staff: None,
    actor_of: ActorOf,
) -> None:
    home = await billed_home(sessions, clock, yard["id"])
    finance = await actor_of(FINANCE_ID)
    await pay(sessions, clock, finance, yard["id"], home.id, "101.55")  # all three months
    async with sessions() as session:
        other = await room(session, yard["id"], "1号楼-1单元-101")
    await pay(sessions, clock, finance, yard["id"], other.id, "10")
    leader = await actor_of(LEADER_ID)
    outsiders = [
        await actor_of(t) for t in (OTHER_FINANCE_ID, SUPERVISOR_ID, ADMIN_ID, RESIDENT_ID)
    ]
    async with sessions() as session:
        found = await arrears.owing(session, finance, yard["id"], "2026-11")
        assert found.households == 47
        assert found.pages == 4
        assert len(found.rows) == arrears.PAGE_SIZE
        first = found.rows[0]
        assert first.label == "1号楼-1单元-101"
        assert (first.months, first.oldest) == (3, "2026-09")
        assert home.id not in {r.household_id for r in found.rows}
        up_to_september = await arrears.owing(session, finance, yard["id"], "2026-09")
        assert up_to_september.rows[0].months == 1
        last = await arrears.owing(session, leader, yard["id"], "2026-11", 9)
        assert last.page == 3
        assert len(last.rows) == 47 - 3 * arrears.PAGE_SIZE
        every = [
            r
            for page in range(4)
            for r in (await arrears.owing(session, finance, yard["id"], "2026-11", page)).rows
        ]
        assert [r.label for r in every] == sorted(r.label for r in every)
        assert len(every) == 47
        assert found.total_fen == sum(r.open_fen for r in every)
        for outsider in outsiders:
            with pytest.raises(NotAllowed):
                await arrears.owing(session, outsider, yard["id"], "2026-11")


async def test_a_group_gets_its_courtyards_aggregates_and_a_receipt_goes_to_the_household(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
    staff: None,
    actor_of: ActorOf,
) -> None:
    folks = await seed_ticket_people(sessions, clock(), yard["id"])
    await billed_home(sessions, clock, yard["id"])
    home = folks.homes["2号楼-1单元-501"]  # 王阿姨: 72.60 m² and a space: 36.30 + 40 = 76.30
    finance = await actor_of(FINANCE_ID)
    async with transaction(sessions) as session:
        info = await payments.record(
            session,
            finance,
            yard["id"],
            home,
            amount_fen=3 * 7630 + 1000,
            method=PaymentMethod.CASH,
            paid_on=TODAY,
            today=TODAY,
            now=clock(),
        )
        # record() wrote the receipt; another call for the same payment writes nothing
        assert await tell_household(session, info, now=clock(), quiet=Policy()) == 0
    async with sessions() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "fee.receipt"))
        assert row is not None
        assert row.user_id == folks.users[RESIDENT_ID]
        receipt = FeeReceipt.model_validate(row.payload)
        assert receipt.settled == (("2026-09", 7630), ("2026-10", 7630), ("2026-11", 7630))
        assert receipt.receipt_number == info.receipt_number
        assert (receipt.amount_fen, receipt.credit_fen) == (3 * 7630 + 1000, 1000)
        assert receipt.household == "2号楼-1单元-501"
        figures = await collection.for_group(session, yard["id"], "2026-11")
        assert (figures.courtyard_id, figures.households_billed, figures.households_paid) == (
            yard["id"],
            48,
            1,
        )
        elsewhere = await collection.for_group(session, other_yard["id"], "2026-11")
        assert elsewhere.households_billed == 0


async def test_a_households_adjustments_newest_first_for_finance_of_its_courtyard(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    staff: None,
    actor_of: ActorOf,
) -> None:
    finance, other = await actor_of(FINANCE_ID), await actor_of(OTHER_FINANCE_ID)
    async with transaction(sessions) as session:
        home = await room(session, yard["id"], "1号楼-1单元-101")
        for percent, start in ((50, "2026-10"), (0, "2026-12")):
            await adjustments.add(
                session,
                finance,
                yard["id"],
                home.id,
                kind=AdjustmentKind.VACANT if percent else AdjustmentKind.HARDSHIP,
                percent=percent,
                reason="空置" if percent else "低保",
                from_period=start,
                now=clock(),
            )
    async with sessions() as session:
        found = await adjustments.of_household(session, finance, home.id)
        assert [(a.from_period, a.percent, a.reason) for a in found] == [
            ("2026-12", 0, "低保"),
            ("2026-10", 50, "空置"),
        ]
        with pytest.raises(NotAllowed):
            await adjustments.of_household(session, other, home.id)
