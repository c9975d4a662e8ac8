"""💰 My bills as a service: this month's breakdown, months still open, the total, credit and
past payments, on a known data set reckoned independently here; and who may read whose bill."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fee_bills_data import FINANCE_ID, HOME, TODAY, seed_bills, seed_finance
from fees_data import expected_fen, grant
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID
from tickets_data import (
    NEIGHBOUR_ID,
    RESIDENT_ID,
    STRANGER_ID,
    SUPERVISOR_ID,
    WORKER_ID,
    TicketPeople,
    actor,
)

from models import AdjustmentKind, PaymentMethod
from models.db import transaction
from services.access import Actor, Role
from services.clock import FixedClock
from services.fees import payments, statements
from services.fees.errors import NotYourBill

# 王阿姨's flat: 72.60 m² at ¥0.55 plus one space at ¥40; November at 50% (vacant)
FULL = expected_fen(7260, 1, "0.55", "40")
VACANT = expected_fen(7260, 1, "0.55", "40", percent=50)
OTHER_FINANCE_ID = 6102


@pytest.fixture
async def home(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
) -> int:
    await seed_finance(sessions, clock(), folks.courtyard_id)
    return await seed_bills(sessions, clock(), folks.courtyard_id)


async def _pay(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    courtyard_id: int,
    household_id: int,
    fen: int,
) -> payments.PaymentInfo:
    finance = await actor(sessions, FINANCE_ID)
    async with transaction(sessions) as session:
        return await payments.record(
            session,
            finance,
            courtyard_id,
            household_id,
            amount_fen=fen,
            method=PaymentMethod.WECHAT,
            paid_on=TODAY,
            today=TODAY,
            now=clock(),
        )


async def _statement(
    sessions: async_sessionmaker[AsyncSession], who: Actor, household_id: int
) -> statements.Statement:
    async with sessions() as session:
        return await statements.statement(session, who, household_id, today=TODAY)


async def test_the_breakdown_arrears_total_and_credit_on_a_known_data_set(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    home: int,
) -> None:
    assert (FULL, VACANT) == (7993, 3997)  # 39.93 + 40.00; (39.93 + 40.00) × 50% = 39.965
    resident = await actor(sessions, RESIDENT_ID)
    found = await _statement(sessions, resident, home)
    assert (found.courtyard, found.label) == ("纬三路13号院", HOME)
    line = found.current
    assert line is not None
    assert (line.period, line.amount_fen, line.paid_fen) == ("2026-11", VACANT, 0)
    assert line.area_yuan == Decimal("72.60") * Decimal("0.55")
    assert (line.parking_spaces, line.parking_fen) == (1, 4000)
    assert (line.adjustment_percent, line.adjustment_kind) == (50, AdjustmentKind.VACANT)
    assert [(a.period, a.open_fen) for a in found.arrears] == [
        ("2026-09", FULL),
        ("2026-10", FULL),
    ]
    assert found.owed_fen == 2 * FULL + VACANT
    assert (found.credit_fen, found.payments) == (0, 0)

    # ¥100 settles September and part of October
    await _pay(sessions, clock, folks.courtyard_id, home, 10000)
    found = await _statement(sessions, resident, home)
    assert [(a.period, a.paid_fen, a.open_fen) for a in found.arrears] == [
        ("2026-10", 10000 - FULL, 2 * FULL - 10000)
    ]
    assert found.owed_fen == 2 * FULL + VACANT - 10000
    # ¥200 more: everything is paid, the rest is credit
    await _pay(sessions, clock, folks.courtyard_id, home, 20000)
    found = await _statement(sessions, resident, home)
    assert (found.owed_fen, found.arrears) == (0, ())
    assert found.credit_fen == 30000 - (2 * FULL + VACANT)
    assert found.payments == 2


async def test_past_payments_newest_first_with_receipts_reversals_and_pages(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    home: int,
) -> None:
    receipts = [
        (await _pay(sessions, clock, folks.courtyard_id, home, 1000 + i)).receipt_number
        for i in range(statements.PAGE + 2)
    ]
    finance = await actor(sessions, FINANCE_ID)
    async with transaction(sessions) as session:
        await payments.reverse(
            session, finance, folks.courtyard_id, receipts[-1], reason="录错", now=clock()
        )
    resident = await actor(sessions, RESIDENT_ID)
    async with sessions() as session:
        first = await statements.history(session, resident, home)
        second = await statements.history(session, resident, home, page=1)
        beyond = await statements.history(session, resident, home, page=99)
    assert (first.total, first.pages) == (statements.PAGE + 2, 2)
    assert [r.receipt_number for r in first.rows] == receipts[::-1][: statements.PAGE]
    assert [r.reversed for r in first.rows[:2]] == [True, False]
    assert [r.receipt_number for r in second.rows] == receipts[1::-1]
    assert beyond.page == 1  # a page past the end shows the last one
    found = await _statement(sessions, resident, home)
    reversed_fen = 1000 + statements.PAGE + 1
    kept = sum(1000 + i for i in range(statements.PAGE + 2)) - reversed_fen
    assert found.owed_fen == 2 * FULL + VACANT - kept


async def test_who_may_read_a_households_bill(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    other_yard: dict[str, Any],
    home: int,
) -> None:
    await grant(sessions, clock(), OTHER_FINANCE_ID, Role.FINANCE, other_yard["id"])
    # the household itself, its courtyard's finance, supervisors and the service center
    for reader in (RESIDENT_ID, FINANCE_ID, SUPERVISOR_ID, ADMIN_ID):
        found = await _statement(sessions, await actor(sessions, reader), home)
        assert found.household_id == home
    # a neighbour, a stranger, the grid leader, the repair team, another courtyard's finance
    for outsider in (NEIGHBOUR_ID, STRANGER_ID, LEADER_ID, WORKER_ID, OTHER_FINANCE_ID):
        who = await actor(sessions, outsider)
        with pytest.raises(NotYourBill):
            await _statement(sessions, who, home)
        async with sessions() as session:
            with pytest.raises(NotYourBill):
                await statements.history(session, who, home)
    async with sessions() as session:
        homes = await statements.homes(session, await actor(sessions, RESIDENT_ID))
    assert [h.label for h in homes] == [HOME]
