""" "I have paid" as a service: a resident's claim reaches finance; confirming records the
payment (linked, with its receipt to the household), rejecting tells the resident the reason;
a claim is decided once, even when two clerks tap at the same moment; who may do what. Also
the payment instructions, and receipts after any recorded payment (the terminal's too)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fee_bills_data import FINANCE2_ID, FINANCE_ID, TODAY, seed_bills, seed_finance
from fees_data import grant
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID
from tickets_data import NEIGHBOUR_ID, RESIDENT_ID, SUPERVISOR_ID, TicketPeople, actor

from models import (
    ClaimStatus,
    Event,
    OutboxMessage,
    Payment,
    PaymentClaim,
    PaymentMethod,
)
from models.db import transaction
from services.access import Actor, Role
from services.clock import FixedClock
from services.errors import NotAllowed
from services.fees import claims, instructions, payments
from services.fees.errors import (
    BadAmount,
    ClaimAlreadyDecided,
    InstructionsTooLong,
    NotYourBill,
    ReasonRequired,
    ScreenshotRequired,
)

OTHER_FINANCE_ID = 6102


@pytest.fixture
async def clerks(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: TicketPeople
) -> dict[int, int]:
    """The courtyard's two finance clerks: Telegram id -> user id."""
    return await seed_finance(sessions, clock(), folks.courtyard_id)


@pytest.fixture
async def home(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    clerks: dict[int, int],
) -> int:
    return await seed_bills(sessions, clock(), folks.courtyard_id)


async def _submit(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    who: Actor,
    household_id: int,
    fen: int = 10000,
    photo: str = "AgACshot1",
) -> claims.ClaimInfo:
    async with transaction(sessions) as session:
        return await claims.submit(
            session,
            who,
            household_id,
            amount_fen=fen,
            method=PaymentMethod.WECHAT,
            photo_file_id=photo,
            today=TODAY,
            now=clock(),
        )


async def _confirm(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, who: Actor, claim_id: int
) -> tuple[claims.ClaimInfo, payments.PaymentInfo]:
    async with transaction(sessions) as session:
        return await claims.confirm(session, who, claim_id, today=TODAY, now=clock())


async def _reject(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    who: Actor,
    claim_id: int,
    reason: str,
) -> claims.ClaimInfo:
    async with transaction(sessions) as session:
        return await claims.reject(session, who, claim_id, reason=reason, now=clock())


async def _rows(sessions: async_sessionmaker[AsyncSession], kind: str) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


async def test_a_claim_reaches_finance_and_confirming_records_it_with_a_receipt(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    clerks: dict[int, int],
    home: int,
) -> None:
    resident = await actor(sessions, RESIDENT_ID)
    claim = await _submit(sessions, clock, resident, home)
    assert (claim.status, claim.amount_fen, claim.finance_told) == (ClaimStatus.PENDING, 10000, 2)
    cards = await _rows(sessions, "fee.claim")
    assert sorted(r.user_id for r in cards) == sorted(clerks.values())
    assert cards[0].payload["photo_file_id"] == "AgACshot1"
    assert cards[0].payload["claimant"] == "王阿姨"

    finance = await actor(sessions, FINANCE_ID)
    decided, recorded = await _confirm(sessions, clock, finance, claim.id)
    assert decided.status is ClaimStatus.CONFIRMED
    assert recorded.receipt_number == "WSL-R000001"
    assert [a.period for a in recorded.allocations] == ["2026-09", "2026-10"]
    async with sessions() as session:
        stored = await session.get(PaymentClaim, claim.id)
        assert stored is not None
        assert (stored.status, stored.payment_id) == (ClaimStatus.CONFIRMED, recorded.id)
        payment = await session.get(Payment, recorded.id)
        assert payment is not None
        assert (payment.amount_fen, payment.method) == (10000, PaymentMethod.WECHAT)
        actions = list(
            await session.scalars(
                select(Event.action).where(Event.subject_type == "payment_claim").order_by(Event.id)
            )
        )
        assert actions == ["claim_submitted", "claim_confirmed"]
    receipts = await _rows(sessions, "fee.receipt")
    assert [r.user_id for r in receipts] == [folks.users[RESIDENT_ID]]
    assert receipts[0].payload["receipt_number"] == "WSL-R000001"
    assert receipts[0].payload["still_due_fen"] == 7993 * 2 + 3997 - 10000

    # a second tap, and the other clerk later: already handled, nothing recorded twice
    with pytest.raises(ClaimAlreadyDecided) as again:
        await _confirm(sessions, clock, finance, claim.id)
    assert again.value.params == {"by": "财务小李"}
    with pytest.raises(ClaimAlreadyDecided):
        await _reject(sessions, clock, await actor(sessions, FINANCE2_ID), claim.id, "不对")
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Payment)) == 1


async def test_a_rejection_needs_a_reason_and_the_resident_is_told_it(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    home: int,
) -> None:
    claim = await _submit(sessions, clock, await actor(sessions, RESIDENT_ID), home, 5000)
    finance = await actor(sessions, FINANCE2_ID)
    with pytest.raises(ReasonRequired):
        await _reject(sessions, clock, finance, claim.id, "  ")
    done = await _reject(sessions, clock, finance, claim.id, "账上没有收到这笔钱")
    assert done.status is ClaimStatus.REJECTED
    told = await _rows(sessions, "fee.claim_rejected")
    assert [r.user_id for r in told] == [folks.users[RESIDENT_ID]]
    assert told[0].payload["reason"] == "账上没有收到这笔钱"
    assert told[0].payload["by"] == "财务小张"
    with pytest.raises(ClaimAlreadyDecided) as late:
        await _confirm(sessions, clock, await actor(sessions, FINANCE_ID), claim.id)
    assert late.value.message == ClaimAlreadyDecided.rejected
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Payment)) == 0
        stored = await session.get(PaymentClaim, claim.id)
        assert stored is not None
        assert stored.reason == "账上没有收到这笔钱"


async def test_two_clerks_at_the_same_moment_decide_a_claim_once(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    home: int,
) -> None:
    resident = await actor(sessions, RESIDENT_ID)
    first = await _submit(sessions, clock, resident, home, 3000, "AgACa")
    second = await _submit(sessions, clock, resident, home, 4000, "AgACb")
    one, two = await actor(sessions, FINANCE_ID), await actor(sessions, FINANCE2_ID)
    both_confirm = await asyncio.gather(
        _confirm(sessions, clock, one, first.id),
        _confirm(sessions, clock, two, first.id),
        return_exceptions=True,
    )
    confirm_or_reject = await asyncio.gather(
        _confirm(sessions, clock, one, second.id),
        _reject(sessions, clock, two, second.id, "金额不符"),
        return_exceptions=True,
    )
    for results in (both_confirm, confirm_or_reject):
        refused = [r for r in results if isinstance(r, ClaimAlreadyDecided)]
        assert len(refused) == 1, results
        assert not [r for r in results if isinstance(r, BaseException) and r not in refused]
    async with sessions() as session:
        paid = list(await session.scalars(select(Payment.amount_fen)))
        assert 3000 in paid
        assert len(paid) == (2 if 4000 in paid else 1)
        linked = await session.scalar(
            select(func.count()).where(PaymentClaim.payment_id.is_not(None))
        )
        assert linked == len(paid)


async def test_who_may_claim_and_who_may_decide(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    other_yard: dict[str, Any],
    home: int,
) -> None:
    resident = await actor(sessions, RESIDENT_ID)
    # only a member of the household claims for it; the amount and the photo are checked
    for outsider in (NEIGHBOUR_ID, FINANCE_ID, ADMIN_ID):
        with pytest.raises(NotYourBill):
            await _submit(sessions, clock, await actor(sessions, outsider), home)
    with pytest.raises(BadAmount):
        await _submit(sessions, clock, resident, home, 0)
    with pytest.raises(ScreenshotRequired):
        await _submit(sessions, clock, resident, home, photo=" ")
    claim = await _submit(sessions, clock, resident, home)
    await grant(sessions, clock(), OTHER_FINANCE_ID, Role.FINANCE, other_yard["id"])
    # only finance of the courtyard decides
    for other in (RESIDENT_ID, LEADER_ID, ADMIN_ID, SUPERVISOR_ID, OTHER_FINANCE_ID):
        who = await actor(sessions, other)
        with pytest.raises(NotAllowed):
            await _confirm(sessions, clock, who, claim.id)
        with pytest.raises(NotAllowed):
            await _reject(sessions, clock, who, claim.id, "no")
    async with sessions() as session:
        stored = await session.get(PaymentClaim, claim.id)
        assert stored is not None
        assert stored.status is ClaimStatus.PENDING


async def test_payment_instructions_set_by_finance_read_by_residents(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    other_yard: dict[str, Any],
    home: int,
) -> None:
    finance = await actor(sessions, FINANCE_ID)
    cid = folks.courtyard_id
    async with transaction(sessions) as session:
        await instructions.set_details(
            session,
            finance,
            cid,
            "工商银行 6222 0000 1111\n服务中心 周一至周五 9:00-17:00",
            clock(),
        )
        found = await instructions.set_qr(session, finance, cid, "AgACqr", clock())
    assert (found.details or "").startswith("工商银行")
    assert found.qr_file_id == "AgACqr"
    resident, neighbour = await actor(sessions, RESIDENT_ID), await actor(sessions, NEIGHBOUR_ID)
    async with sessions() as session:
        seen = await instructions.for_household(session, resident, home)
        assert seen == found
        with pytest.raises(NotYourBill):
            await instructions.for_household(session, neighbour, home)
    admin = await actor(sessions, ADMIN_ID)
    async with transaction(sessions) as session:
        cleared = await instructions.clear_qr(session, admin, cid, clock())
    assert (cleared.qr_file_id, cleared.details) == (None, found.details)
    await grant(sessions, clock(), OTHER_FINANCE_ID, Role.FINANCE, other_yard["id"])
    for other in (RESIDENT_ID, LEADER_ID, SUPERVISOR_ID, OTHER_FINANCE_ID):
        who = await actor(sessions, other)
        async with transaction(sessions) as session:
            with pytest.raises(NotAllowed):
                await instructions.set_details(session, who, cid, "x", clock())
    async with transaction(sessions) as session:
        with pytest.raises(InstructionsTooLong):
            await instructions.set_details(session, finance, cid, "长" * 1001, clock())
        updates = await session.scalar(
            select(func.count()).where(Event.action == "payment_instructions_updated")
        )
        assert updates == 3


async def test_every_recorded_payment_tells_the_households_members_once(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
    home: int,
) -> None:
    """The terminal (actor None) too: the receipt is written in the payment's transaction."""
    async with transaction(sessions) as session:
        info = await payments.record(
            session,
            None,
            folks.courtyard_id,
            home,
            amount_fen=50000,
            method=PaymentMethod.CASH,
            paid_on=TODAY,
            today=TODAY,
            now=clock(),
            channel="import",
        )
    rows = await _rows(sessions, "fee.receipt")
    assert [r.user_id for r in rows] == [folks.users[RESIDENT_ID]]
    payload = rows[0].payload
    assert payload["settled"] == [["2026-09", 7993], ["2026-10", 7993], ["2026-11", 3997]]
    assert (payload["still_due_fen"], payload["credit_fen"]) == (0, 50000 - 7993 * 2 - 3997)
    assert payload["receipt_number"] == info.receipt_number
