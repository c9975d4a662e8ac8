"""Booking by hand: what finance can get wrong, who may book, the approval of large expenses
(two people), and reversals (a new entry with a reason; the original stays)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ledger_data import (
    FINANCE_ID,
    OTHER_FINANCE_ID,
    SECOND_ADMIN_ID,
    SUPERVISOR_ID,
    TODAY,
    behind_the_back,
    book,
    draft,
    ledger_people,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID
from tickets_data import RESIDENT_ID
from yards import ActorOf

from models import (
    Category,
    Decision,
    EntryKind,
    Event,
    LedgerApproval,
    LedgerEntry,
    LedgerLink,
    LinkKind,
    OutboxMessage,
)
from models.db import transaction
from services.clock import FixedClock
from services.errors import NotAllowed
from services.fees.errors import BadAmount
from services.ledger import booking, report, verification
from services.ledger.errors import (
    AlreadyDecided,
    AlreadyReversed,
    CannotReverse,
    CategoryRequired,
    DescriptionRequired,
    FutureDate,
    NotServed,
    OwnExpense,
    ReasonRequired,
    UnknownTicket,
    WrongCategory,
)

pytestmark = pytest.mark.usefixtures("people")
LIFT = draft(EntryKind.EXPENSE, Category.LIFTS, 350_000, date(2026, 11, 10), "2号电梯维修")


@pytest.fixture
async def people(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
    folks: Any,
) -> None:
    await ledger_people(sessions, clock(), yard, other_yard)


@pytest.mark.parametrize(
    ("the_draft", "error"),
    [
        (draft(EntryKind.INCOME, Category.OTHER_INCOME, 0, TODAY), BadAmount),
        (draft(EntryKind.INCOME, Category.OTHER_INCOME, -500, TODAY), BadAmount),
        (draft(EntryKind.EXPENSE, None, 500, TODAY), CategoryRequired),
        (draft(EntryKind.EXPENSE, Category.PROPERTY_FEES, 500, TODAY), WrongCategory),
        (draft(EntryKind.EXPENSE, Category.CLEANING, 500, date(2026, 11, 29)), FutureDate),
        (draft(EntryKind.EXPENSE, Category.CLEANING, 500, TODAY, "  "), DescriptionRequired),
        (
            draft(EntryKind.EXPENSE, Category.REPAIRS, 500, TODAY, ticket_number="WSL-0099"),
            UnknownTicket,
        ),
    ],
)
async def test_bad_entries_are_refused_with_nothing_written(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
    the_draft: booking.Draft,
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        await book(sessions, await actor_of(FINANCE_ID), yard["id"], the_draft, clock())
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


@pytest.mark.parametrize(
    ("telegram_id", "error"),
    [
        (OTHER_FINANCE_ID, NotServed),  # finance of 都市A座 only
        (SUPERVISOR_ID, NotAllowed),  # reads, changes nothing
        (LEADER_ID, NotAllowed),
        (RESIDENT_ID, NotAllowed),
    ],
)
async def test_only_finance_of_the_courtyard_and_admins_book(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
    telegram_id: int,
    error: type[Exception],
) -> None:
    the_draft = draft(EntryKind.EXPENSE, Category.CLEANING, 800, TODAY)
    with pytest.raises(error):
        await book(sessions, await actor_of(telegram_id), yard["id"], the_draft, clock())
    entry = await book(sessions, await actor_of(ADMIN_ID), yard["id"], the_draft, clock())
    assert entry.seq == 1


async def test_an_expense_above_the_threshold_waits_for_another_admin(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    finance, admin, second = (
        await actor_of(FINANCE_ID),
        await actor_of(ADMIN_ID),
        await actor_of(SECOND_ADMIN_ID),
    )
    small = await book(
        sessions,
        finance,
        yard["id"],
        draft(EntryKind.EXPENSE, Category.CLEANING, 200_000, TODAY),
        clock(),
    )
    lift = await book(sessions, finance, yard["id"], LIFT, clock())
    assert (small.needs_approval, lift.needs_approval) == (False, True)
    async with sessions() as session:
        figures = await report.month_figures(session, yard["id"], "2026-11")
        told = list(
            await session.scalars(
                select(OutboxMessage.user_id).where(OutboxMessage.kind == "ledger.approval_needed")
            )
        )
    assert figures.expense[Category.LIFTS] == 0  # not counted while it waits
    assert figures.waiting == 1
    assert len(told) == 2  # both admins

    # an admin who booked it cannot approve it; a supervisor cannot either
    by_admin = await book(sessions, admin, yard["id"], LIFT, clock())
    async with transaction(sessions) as session:
        with pytest.raises(OwnExpense):
            await booking.decide(
                session, admin, yard["id"], by_admin.seq, approve=True, now=clock()
            )
    async with transaction(sessions) as session:
        with pytest.raises(NotAllowed):
            await booking.decide(
                session,
                await actor_of(SUPERVISOR_ID),
                yard["id"],
                lift.seq,
                approve=True,
                now=clock(),
            )
    async with transaction(sessions) as session:
        await booking.decide(session, admin, yard["id"], lift.seq, approve=True, now=clock())
        await booking.decide(
            session, second, yard["id"], by_admin.seq, approve=False, now=clock(), note="重复"
        )
    async with transaction(sessions) as session:
        with pytest.raises(AlreadyDecided):
            await booking.decide(session, second, yard["id"], lift.seq, approve=False, now=clock())
    async with sessions() as session:
        figures = await report.month_figures(session, yard["id"], "2026-11")
        decisions = dict(
            (await session.execute(select(LedgerApproval.entry_id, LedgerApproval.decision)))
            .tuples()
            .all()
        )
        assert (await verification.verify(session, yard["id"])).ok
        decided_told = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "ledger.decided")
        )
    assert figures.expense[Category.LIFTS] == 350_000
    assert figures.waiting == 0
    assert decisions == {lift.id: Decision.APPROVED, by_admin.id: Decision.REJECTED}
    assert decided_told == 2


async def test_a_tampered_approval_is_found_at_its_entry(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    lift = await book(sessions, await actor_of(FINANCE_ID), yard["id"], LIFT, clock())
    async with transaction(sessions) as session:
        await booking.decide(
            session, await actor_of(ADMIN_ID), yard["id"], lift.seq, approve=False, now=clock()
        )
    await behind_the_back(
        sessions, "ledger_approvals", "UPDATE ledger_approvals SET decision = 'approved'"
    )
    async with sessions() as session:
        verdict = await verification.verify(session, yard["id"])
    assert (verdict.broken_seq, verdict.problem) == (lift.seq, "approval")


async def test_a_reversal_is_a_new_entry_with_a_reason(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    finance = await actor_of(FINANCE_ID)
    wrong = await book(
        sessions,
        finance,
        yard["id"],
        draft(EntryKind.EXPENSE, Category.CLEANING, 12_000, date(2026, 11, 3)),
        clock(),
    )
    waiting = await book(sessions, finance, yard["id"], LIFT, clock())
    async with transaction(sessions) as session:
        with pytest.raises(ReasonRequired):
            await booking.reverse(
                session,
                finance,
                yard["id"],
                wrong.seq,
                reason=" ",
                booked_on=TODAY,
                today=TODAY,
                now=clock(),
            )
    async with transaction(sessions) as session:
        with pytest.raises(CannotReverse):  # waits for approval: nothing to take back
            await booking.reverse(
                session,
                finance,
                yard["id"],
                waiting.seq,
                reason="录错",
                booked_on=TODAY,
                today=TODAY,
                now=clock(),
            )
    async with transaction(sessions) as session:
        correction = await booking.reverse(
            session,
            finance,
            yard["id"],
            wrong.seq,
            reason="金额录错",
            booked_on=date(2026, 11, 3),
            today=TODAY,
            now=clock(),
        )
    async with transaction(sessions) as session:
        with pytest.raises(AlreadyReversed):
            await booking.reverse(
                session,
                finance,
                yard["id"],
                wrong.seq,
                reason="再次",
                booked_on=TODAY,
                today=TODAY,
                now=clock(),
            )
    async with sessions() as session:
        figures = await report.month_figures(session, yard["id"], "2026-11")
        original = await session.get(LedgerEntry, wrong.id)
        links = list(
            (
                await session.execute(
                    select(LedgerLink.kind, LedgerLink.linked_entry_id).where(
                        LedgerLink.entry_id == correction.id
                    )
                )
            ).tuples()
        )
        booked_events = await session.scalar(
            select(func.count()).select_from(Event).where(Event.subject_type == "ledger_entry")
        )
    assert original is not None
    assert original.amount_fen == 12_000  # the original stays as it was
    assert (correction.kind, correction.category, correction.amount_fen) == (
        EntryKind.EXPENSE,
        Category.CLEANING,
        12_000,
    )
    assert correction.reverses_entry_id == wrong.id
    assert correction.reason == "金额录错"
    assert links == [(LinkKind.ENTRY, wrong.id)]
    assert figures.expense[Category.CLEANING] == 0
    assert figures.lines == 2
    assert booked_events == 3
