"""Recording payments: oldest bills settled first, credit kept and used by the next bill run,
reversals, gapless receipts and one payment per reference even when clerks race, permissions."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from fees_data import FINANCE_ID, OTHER_FINANCE_ID, SUPERVISOR_ID, TODAY, grant
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID
from yards import ActorOf, room

from models import (
    BillLine,
    Event,
    Household,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentReversal,
)
from models.db import transaction
from services.access import Actor, Role
from services.clock import FixedClock
from services.errors import NotAllowed
from services.fees import bills, money, payments, plans
from services.fees.errors import (
    AlreadyReversed,
    BadAmount,
    BadDate,
    DuplicateReference,
    FutureDate,
    HouseholdElsewhere,
    ReasonRequired,
    UnknownMethod,
)

HOME = "2号楼-1单元-302"  # 67.70 m², no parking space: 0.50 ¥/m² → 33.85 a month


async def billed_home(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, courtyard_id: int
) -> Household:
    """A plan from 2026-09 and three billed months, 33.85 each for HOME."""
    async with transaction(sessions) as session:
        await plans.create(
            session,
            None,
            courtyard_id,
            name="基础服务",
            rate="0.50",
            parking_fee="40",
            from_period="2026-09",
            now=clock(),
        )
    for period in ("2026-09", "2026-10", "2026-11"):
        await bills.run_period(sessions, period, clock())
    async with sessions() as session:
        return await room(session, courtyard_id, HOME)


async def pay(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    actor: Actor | None,
    courtyard_id: int,
    household_id: int,
    amount: str,
    *,
    reference: str | None = None,
    paid_on: date = TODAY,
) -> payments.PaymentInfo:
    async with transaction(sessions) as session:
        return await payments.record(
            session,
            actor,
            courtyard_id,
            household_id,
            amount_fen=money.amount_fen(amount),
            method=PaymentMethod.WECHAT,
            paid_on=paid_on,
            today=TODAY,
            now=clock(),
            reference=reference,
        )


async def open_by_period(session: AsyncSession, household_id: int) -> dict[str, int]:
    allocated = payments.valid_allocations()
    rows = await session.execute(
        select(
            BillLine.period,
            BillLine.amount_fen - func.coalesce(func.sum(allocated.c.amount_fen), 0),
        )
        .outerjoin(allocated, allocated.c.bill_line_id == BillLine.id)
        .where(BillLine.household_id == household_id)
        .group_by(BillLine.period, BillLine.amount_fen)
        .order_by(BillLine.period)
    )
    return {str(p): int(o) for p, o in rows.tuples()}


@pytest.fixture
async def finance(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    actor_of: ActorOf,
) -> Actor:
    await grant(sessions, clock(), FINANCE_ID, Role.FINANCE, yard["id"])
    return await actor_of(FINANCE_ID, "财务小王")


async def test_a_payment_settles_the_oldest_months_first_and_keeps_the_rest_as_credit(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    finance: Actor,
) -> None:
    home = await billed_home(sessions, clock, yard["id"])
    first = await pay(sessions, clock, finance, yard["id"], home.id, "50")
    assert [(a.period, a.amount_fen) for a in first.allocations] == [
        ("2026-09", 3385),
        ("2026-10", 1615),
    ]
    assert first.credit_fen == 0
    second = await pay(sessions, clock, finance, yard["id"], home.id, "100.00")
    assert [(a.period, a.amount_fen) for a in second.allocations] == [
        ("2026-10", 1770),
        ("2026-11", 3385),
    ]
    assert second.credit_fen == 10000 + 5000 - 3 * 3385
    assert (first.receipt_number, second.receipt_number) == ("WSL-R000001", "WSL-R000002")
    async with sessions() as session:
        assert await open_by_period(session, home.id) == {"2026-09": 0, "2026-10": 0, "2026-11": 0}
        recorded = await session.scalar(
            select(func.count()).where(Event.action == "payment_recorded")
        )
        assert recorded == 2

    # the credit settles December's bill as soon as it is issued
    await bills.run_period(sessions, "2026-12", clock())
    async with sessions() as session:
        assert (await open_by_period(session, home.id))["2026-12"] == 0
        assert await payments.credit(session, home.id) == 4845 - 3385


async def test_a_reversal_reopens_what_the_payment_settled_and_is_its_own_row(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    finance: Actor,
) -> None:
    home = await billed_home(sessions, clock, yard["id"])
    wrong = await pay(sessions, clock, finance, yard["id"], home.id, "67.70", reference="WX1")
    kept = await pay(sessions, clock, finance, yard["id"], home.id, "10")  # part of November
    async with transaction(sessions) as session:
        with pytest.raises(ReasonRequired):
            await payments.reverse(
                session, finance, yard["id"], wrong.receipt_number, reason=" ", now=clock()
            )
    async with transaction(sessions) as session:
        await payments.reverse(
            session, finance, yard["id"], wrong.receipt_number, reason="录错户号", now=clock()
        )
    async with sessions() as session:
        # September and October are open again; the 10 yuan keeps settling part of November
        assert await open_by_period(session, home.id) == {
            "2026-09": 3385,
            "2026-10": 3385,
            "2026-11": 3385 - 1000,
        }
        payment = await session.get(Payment, wrong.id)
        assert payment is not None
        assert payment.amount_fen == 6770
        assert await session.scalar(select(func.count()).select_from(PaymentReversal)) == 1
        allocations = await session.scalar(select(func.count()).select_from(PaymentAllocation))
        assert allocations == 2 + 1  # the reversed payment's rows stay, for the audit
        assert kept.receipt_number == "WSL-R000002"
    async with transaction(sessions) as session:
        with pytest.raises(AlreadyReversed):
            await payments.reverse(
                session, finance, yard["id"], wrong.receipt_number, reason="again", now=clock()
            )
    # the reference of a reversed payment stays taken: a new one needs its own reference
    with pytest.raises(DuplicateReference):
        await pay(sessions, clock, finance, yard["id"], home.id, "67.70", reference="WX1")


async def test_receipts_are_gapless_when_many_clerks_record_at_once(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    finance: Actor,
) -> None:
    await billed_home(sessions, clock, yard["id"])
    async with sessions() as session:
        homes = list(
            await session.scalars(
                select(Household.id).where(Household.courtyard_id == yard["id"]).limit(12)
            )
        )

    async def one(i: int) -> str | None:
        reference = "DUP" if i % 4 == 0 else None  # a refused one in between must leave no gap
        try:
            info = await pay(
                sessions,
                clock,
                finance,
                yard["id"],
                homes[i % len(homes)],
                "20",
                reference=reference,
            )
        except DuplicateReference:
            return None
        return info.receipt_number

    numbers = [n for n in await asyncio.gather(*(one(i) for i in range(24))) if n]
    assert len(numbers) == 24 - 5  # six tried "DUP", one got it
    assert sorted(numbers) == [f"WSL-R{n:06d}" for n in range(1, 20)]
    async with sessions() as session:
        stored = list(
            await session.scalars(select(Payment.receipt_seq).order_by(Payment.receipt_seq))
        )
        assert stored == list(range(1, 20))
        dup = await session.scalar(select(func.count()).where(Payment.reference == "DUP"))
        assert dup == 1


async def test_the_same_reference_at_the_same_moment_records_exactly_one_payment(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    finance: Actor,
) -> None:
    home = await billed_home(sessions, clock, yard["id"])
    results = await asyncio.gather(
        *(
            pay(sessions, clock, finance, yard["id"], home.id, "33.85", reference="ALI-2026112801")
            for _ in range(8)
        ),
        return_exceptions=True,
    )
    recorded = [r for r in results if isinstance(r, payments.PaymentInfo)]
    refused = [r for r in results if isinstance(r, DuplicateReference)]
    assert (len(recorded), len(refused)) == (1, 7)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Payment)) == 1
        assert await open_by_period(session, home.id) == {
            "2026-09": 0,
            "2026-10": 3385,
            "2026-11": 3385,
        }


async def test_only_finance_of_that_courtyard_records_payments(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
    finance: Actor,
    actor_of: ActorOf,
) -> None:
    home = await billed_home(sessions, clock, yard["id"])
    await grant(sessions, clock(), OTHER_FINANCE_ID, Role.FINANCE, other_yard["id"])
    await grant(sessions, clock(), SUPERVISOR_ID, Role.SUPERVISOR, None)
    others = [
        await actor_of(OTHER_FINANCE_ID),
        await actor_of(SUPERVISOR_ID),
        await actor_of(LEADER_ID),
        await actor_of(ADMIN_ID),
        await actor_of(7777, "路人"),
    ]
    for actor in others:
        with pytest.raises(NotAllowed):
            await pay(sessions, clock, actor, yard["id"], home.id, "10")
        async with transaction(sessions) as session:
            with pytest.raises(NotAllowed):
                await payments.reverse(
                    session, actor, yard["id"], "WSL-R000001", reason="x", now=clock()
                )
    # finance of 都市A座 cannot slip a 纬三路 household into their own courtyard either
    with pytest.raises(HouseholdElsewhere):
        await pay(
            sessions, clock, await actor_of(OTHER_FINANCE_ID), other_yard["id"], home.id, "10"
        )
    assert (await pay(sessions, clock, finance, yard["id"], home.id, "10")).receipt_number == (
        "WSL-R000001"
    )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Payment)) == 1


@pytest.mark.parametrize("text", ["0", "-5", "12.345", "0.001", "abc", "", "1e3x"])
def test_zero_negative_and_sub_fen_amounts_are_refused(text: str) -> None:
    with pytest.raises(BadAmount):
        money.amount_fen(text)


def test_amounts_methods_and_dates_are_read_exactly() -> None:
    assert [money.amount_fen(t) for t in ("86.50", "120", "¥0.01", "1,200.5")] == [
        8650,
        12000,
        1,
        120050,
    ]
    assert payments.parse_method("微信") is PaymentMethod.WECHAT
    assert payments.parse_method("Bank Transfer") is PaymentMethod.BANK_TRANSFER
    with pytest.raises(UnknownMethod):
        payments.parse_method("bitcoin")
    assert payments.parse_day("2026/11/05") == date(2026, 11, 5)
    with pytest.raises(BadDate):
        payments.parse_day("11/05/2026")


async def test_a_payment_dated_in_the_future_is_refused(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    finance: Actor,
) -> None:
    home = await billed_home(sessions, clock, yard["id"])
    with pytest.raises(FutureDate):
        await pay(sessions, clock, finance, yard["id"], home.id, "10", paid_on=date(2026, 11, 29))
