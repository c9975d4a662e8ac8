"""Income from fees: a daily summary entry per courtyard and method linked to the payments it
sums, a reversing entry for a reversed payment, and the sums reconcile exactly, re-runs and
late payments included."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ledger_data import FINANCE_ID, ledger_people
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from yards import ActorOf, room

from models import (
    EntrySource,
    Event,
    LedgerEntry,
    LedgerLink,
    LinkKind,
    Payment,
    PaymentMethod,
    PaymentReversal,
)
from models.db import transaction
from services.clock import FixedClock
from services.fees import payments
from services.ledger import fees, report, verification
from services.policy import Policy

pytestmark = pytest.mark.usefixtures("people")
TZ = Policy().timezone


@pytest.fixture
async def people(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> None:
    await ledger_people(sessions, clock(), yard)


async def pay(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    courtyard_id: int,
    label: str,
    fen: int,
    method: PaymentMethod,
    day: date,
) -> str:
    finance = await actor_of(FINANCE_ID)
    async with transaction(sessions) as session:
        household = await room(session, courtyard_id, label)
        info = await payments.record(
            session,
            finance,
            courtyard_id,
            household.id,
            amount_fen=fen,
            method=method,
            paid_on=day,
            today=date(2026, 11, 28),
            now=clock(),
        )
    return info.receipt_number


async def reverse(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    courtyard_id: int,
    receipt: str,
) -> None:
    async with transaction(sessions) as session:
        await payments.reverse(
            session,
            await actor_of(FINANCE_ID),
            courtyard_id,
            receipt,
            reason="转账退回",
            now=clock(),
        )


async def post(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, until: date
) -> list[fees.Posted]:
    return await fees.post_all(sessions, clock(), TZ, until=until)


async def reconciled(session: AsyncSession, courtyard_id: int) -> tuple[int, int]:
    """(Σ fee income lines with reversals negative, Σ payments − Σ reversed payments)."""
    lines = await session.scalar(
        select(func.coalesce(func.sum(report.net_in_kind()), 0)).where(
            LedgerEntry.courtyard_id == courtyard_id, LedgerEntry.source == EntrySource.FEES
        )
    )
    paid = await session.scalar(
        select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(
            Payment.courtyard_id == courtyard_id
        )
    )
    taken_back = await session.scalar(
        select(func.coalesce(func.sum(Payment.amount_fen), 0))
        .join(PaymentReversal, PaymentReversal.payment_id == Payment.id)
        .where(Payment.courtyard_id == courtyard_id)
    )
    return int(lines or 0), int(paid or 0) - int(taken_back or 0)


async def test_fee_income_is_posted_per_day_and_method_and_reconciles(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    cid = yard["id"]
    d1, d2 = date(2026, 11, 25), date(2026, 11, 26)
    a = await pay(sessions, actor_of, clock, cid, "1号楼-1单元-101", 3385, PaymentMethod.CASH, d1)
    await pay(sessions, actor_of, clock, cid, "1号楼-1单元-102", 4000, PaymentMethod.CASH, d1)
    await pay(sessions, actor_of, clock, cid, "1号楼-1单元-201", 10155, PaymentMethod.WECHAT, d1)
    early = await pay(
        sessions, actor_of, clock, cid, "1号楼-1单元-202", 500, PaymentMethod.WECHAT, d2
    )
    await reverse(sessions, actor_of, clock, cid, early)  # taken back before it was posted
    await pay(sessions, actor_of, clock, cid, "2号楼-1单元-501", 7770, PaymentMethod.ALIPAY, d2)
    today_paid = await pay(
        sessions,
        actor_of,
        clock,
        cid,
        "2号楼-1单元-502",
        100,
        PaymentMethod.CASH,
        date(2026, 11, 28),
    )

    first = await post(sessions, clock, until=date(2026, 11, 28))
    assert [(p.summaries, p.reversals) for p in first] == [(3, 0)]
    again = await post(sessions, clock, until=date(2026, 11, 28))
    assert [(p.summaries, p.reversals) for p in again] == [(0, 0)]  # a re-run posts nothing

    async with sessions() as session:
        rows = (
            await session.execute(
                select(
                    LedgerEntry.booked_on,
                    LedgerEntry.counterparty,
                    LedgerEntry.amount_fen,
                    LedgerEntry.id,
                )
                .where(LedgerEntry.courtyard_id == cid)
                .order_by(LedgerEntry.seq)
            )
        ).all()
        cash_links = await session.scalar(
            select(func.count()).where(
                LedgerLink.entry_id == rows[0].id, LedgerLink.kind == LinkKind.PAYMENT
            )
        )
        lines, expected = await reconciled(session, cid)
        posted_events = await session.scalar(
            select(func.count()).where(Event.action == "ledger_fee_income_posted")
        )
    assert posted_events == 3
    assert [(r.booked_on, r.counterparty, r.amount_fen) for r in rows] == [
        (d1, "cash", 7385),
        (d1, "wechat", 10155),
        (d2, "alipay", 7770),
    ]
    assert cash_links == 2
    assert lines == expected - 100  # today's payment waits until its day is over

    # a reversal of a posted payment, and a payment recorded late for an earlier day
    await reverse(sessions, actor_of, clock, cid, a)
    await pay(sessions, actor_of, clock, cid, "2号楼-2单元-601", 2000, PaymentMethod.CASH, d1)
    later = await post(sessions, clock, until=date(2026, 11, 29))
    assert [(p.summaries, p.reversals) for p in later] == [(2, 1)]
    async with sessions() as session:
        reversal = await session.scalar(
            select(LedgerEntry).where(LedgerEntry.reverses_entry_id == rows[0].id)
        )
        lines, expected = await reconciled(session, cid)
        assert (await verification.verify(session, cid)).ok
    assert reversal is not None
    assert (reversal.amount_fen, reversal.reason, reversal.description) == (3385, "转账退回", a)
    assert lines == expected
    async with sessions() as session:
        today_line = await session.scalar(
            select(LedgerEntry.amount_fen)
            .join(LedgerLink, LedgerLink.entry_id == LedgerEntry.id)
            .join(Payment, Payment.id == LedgerLink.payment_id)
            .where(Payment.receipt_number == today_paid)
        )
    assert today_line == 100  # posted now that its day is over
    assert [p.summaries for p in await post(sessions, clock, until=date(2026, 11, 29))] == [0]
