"""The month's figures on a known data set (reckoned here independently, line by line), and
publishing it: versions that say what changed, months with waiting expenses refused, the chain
head's fingerprint, the residents' group told with a picture and two files."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ledger_data import FINANCE_ID, SECOND_ADMIN_ID, SUPERVISOR_ID, book, draft, ledger_people
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID
from tickets_data import RESIDENT_ID, STRANGER_ID
from yards import ActorOf

from models import Category, EntryKind, GroupKind, LedgerDisclosure, OutboxMessage
from models.db import transaction
from services import courtyards
from services.clock import FixedClock
from services.errors import NotAllowed
from services.ledger import booking, disclosure, report, verification
from services.ledger.errors import MonthNotOver, NothingChanged, UnapprovedExpenses

pytestmark = pytest.mark.usefixtures("people")
RESIDENTS_GROUP = -100777
IN, OUT = EntryKind.INCOME, EntryKind.EXPENSE

# (kind, category, fen, day): October is the opening balance, November the month
KNOWN = [
    (IN, Category.PROPERTY_FEES, 1_500_000, date(2026, 10, 10)),
    (OUT, Category.WAGES, 600_000, date(2026, 10, 31)),
    (IN, Category.PROPERTY_FEES, 1_820_050, date(2026, 11, 5)),
    (IN, Category.PARKING_FEES, 120_000, date(2026, 11, 5)),
    (IN, Category.OTHER_INCOME, 3_000, date(2026, 11, 12)),
    (OUT, Category.CLEANING, 90_000, date(2026, 11, 1)),
    (OUT, Category.SECURITY, 150_000, date(2026, 11, 15)),
    (OUT, Category.LIFTS, 128_000, date(2026, 11, 20)),
    (OUT, Category.UTILITIES, 45_678, date(2026, 11, 30)),
    (OUT, Category.WAGES, 200_000, date(2026, 11, 30)),
    (IN, Category.OTHER_INCOME, 999, date(2026, 12, 1)),  # next month: not in November
]


@pytest.fixture
async def people(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    folks: Any,
    actor_of: ActorOf,
) -> None:
    await ledger_people(sessions, clock(), yard)
    async with transaction(sessions) as session:
        await courtyards.link_group(
            session,
            await actor_of(LEADER_ID),
            chat_id=RESIDENTS_GROUP,
            title="住户群",
            courtyard_id=yard["id"],
            kind=GroupKind.RESIDENTS,
            now=clock(),
        )


async def book_known(
    sessions: async_sessionmaker[AsyncSession], actor_of: ActorOf, clock: FixedClock, cid: int
) -> list[Any]:
    """The known lines; October's wages are above the threshold and approved by an admin."""
    finance = await actor_of(FINANCE_ID)
    entries = [
        await book(sessions, finance, cid, draft(k, c, fen, day), clock(), today=date(2026, 12, 2))
        for k, c, fen, day in KNOWN
    ]
    admin = await actor_of(SECOND_ADMIN_ID)
    async with transaction(sessions) as session:
        for entry in entries:
            if entry.needs_approval:
                await booking.decide(session, admin, cid, entry.seq, approve=True, now=clock())
    assert [e.seq for e in entries if e.needs_approval] == [2]
    return entries


def by_hand(month_start: date, month_end: date) -> dict[str, int]:
    def sign(kind: EntryKind) -> int:
        return 1 if kind is IN else -1

    month = [row for row in KNOWN if month_start <= row[3] <= month_end]
    before = [row for row in KNOWN if row[3] < month_start]
    return {
        "income": sum(f for k, _, f, _ in month if k is IN),
        "expense": sum(f for k, _, f, _ in month if k is OUT),
        "opening": sum(sign(k) * f for k, _, f, _ in before),
        "lines": len(month),
    }


async def test_month_figures_match_a_reckoning_by_hand(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    await book_known(sessions, actor_of, clock, yard["id"])
    expected = by_hand(date(2026, 11, 1), date(2026, 11, 30))
    async with sessions() as session:
        figures = await report.month_figures(session, yard["id"], "2026-11")
        lines = await report.month_lines(session, yard["id"], "2026-11")
    assert figures.income_fen == expected["income"] == 1_943_050
    assert figures.expense_fen == expected["expense"] == 613_678
    assert figures.opening_fen == expected["opening"] == 900_000
    assert figures.balance_fen == 1_329_372
    assert figures.closing_fen == 2_229_372
    assert figures.lines == expected["lines"] == len(lines) == 8
    assert figures.income[Category.PARKING_FEES] == 120_000
    assert figures.expense[Category.LIFTS] == 128_000
    assert figures.expense[Category.REPAIRS] == 0
    assert [line.booked_on for line in lines] == sorted(line.booked_on for line in lines)


async def publish(
    sessions: async_sessionmaker[AsyncSession],
    actor: Any,
    cid: int,
    clock: FixedClock,
    month: str = "2026-11",
) -> disclosure.Published:
    async with transaction(sessions) as session:
        return await disclosure.publish(
            session, actor, cid, month, today=date(2026, 12, 2), now=clock()
        )


async def test_publishing_versions_and_refusals(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    cid = yard["id"]
    finance = await actor_of(FINANCE_ID)
    entries = await book_known(sessions, actor_of, clock, cid)
    big = await book(
        sessions,
        finance,
        cid,
        draft(OUT, Category.REPAIRS, 500_000, date(2026, 11, 21), "楼顶防水"),
        clock(),
        today=date(2026, 12, 2),
    )
    with pytest.raises(UnapprovedExpenses):
        await publish(sessions, finance, cid, clock)
    with pytest.raises(MonthNotOver):
        await publish(sessions, finance, cid, clock, "2027-01")
    for telegram_id in (SUPERVISOR_ID, LEADER_ID, RESIDENT_ID):
        with pytest.raises(NotAllowed):
            await publish(sessions, await actor_of(telegram_id), cid, clock)
    async with transaction(sessions) as session:
        await booking.decide(
            session, await actor_of(SECOND_ADMIN_ID), cid, big.seq, approve=True, now=clock()
        )
    first = await publish(sessions, finance, cid, clock)
    head_seq, head_hash = len(KNOWN) + 1, big.hash
    assert (first.version, first.head_seq, first.head_hash) == (1, head_seq, head_hash)
    assert first.fingerprint == head_hash[:12]
    assert first.figures["expense"]["repairs"] == 500_000
    assert first.changes == {}
    with pytest.raises(NothingChanged):
        await publish(sessions, finance, cid, clock)

    # a correction in November: version 2 says what changed
    lift = entries[7]
    async with transaction(sessions) as session:
        correction = await booking.reverse(
            session,
            finance,
            cid,
            lift.seq,
            reason="发票重复",
            booked_on=date(2026, 11, 20),
            today=date(2026, 12, 2),
            now=clock(),
        )
    second = await publish(sessions, await actor_of(ADMIN_ID), cid, clock)
    assert second.version == 2
    assert second.changes["categories"] == [["expense", "lifts", 128_000, 0]]
    assert second.changes["added"] == [correction.seq]
    assert second.changes["balance"] == [
        first.figures["balance_fen"],
        first.figures["balance_fen"] + 128_000,
    ]

    resident, stranger = await actor_of(RESIDENT_ID), await actor_of(STRANGER_ID)
    async with sessions() as session:
        sent = list(
            await session.execute(
                select(OutboxMessage.chat_id, OutboxMessage.payload).where(
                    OutboxMessage.kind == "ledger.disclosure"
                )
            )
        )
        assert (await verification.verify(session, cid)).ok
        versions = await session.scalars(select(LedgerDisclosure.version))
        shown = await disclosure.months(session, resident, cid)
        with pytest.raises(NotAllowed):
            await disclosure.months(session, stranger, cid)
    assert sorted(versions) == [1, 2]
    assert {chat for chat, _ in sent} == {RESIDENTS_GROUP}
    assert sorted((p["version"], p["part"]) for _, p in sent) == [
        (1, "pdf"),
        (1, "summary"),
        (1, "xlsx"),
        (2, "pdf"),
        (2, "summary"),
        (2, "xlsx"),
    ]
    xlsx = next(p for _, p in sent if p["part"] == "xlsx" and p["version"] == 2)
    assert len(xlsx["lines"]) == second.figures["lines"] == 10
    assert [(p.month, p.version) for p in shown] == [("2026-11", 2)]
