"""The daily check: every chain verified; a broken one alerts supervisors and admins through
the outbox, once a day per courtyard and person; the job posts fee income too."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from ledger_data import (
    FINANCE_ID,
    SECOND_ADMIN_ID,
    SUPERVISOR_ID,
    behind_the_back,
    book,
    draft,
    ledger_people,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID
from yards import ActorOf, room

from models import Category, EntryKind, LedgerEntry, OutboxMessage, PaymentMethod, User
from models.db import transaction
from scheduler import ledger as jobs
from scheduler.jobs import JobContext
from services.clock import FixedClock
from services.fees import payments
from services.policy import Policy

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture
async def people(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
) -> None:
    await ledger_people(sessions, clock(), yard, other_yard)


async def test_a_broken_chain_alerts_supervisors_and_admins_once_a_day(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
    policy: Policy,
) -> None:
    finance = await actor_of(FINANCE_ID)
    admin = await actor_of(ADMIN_ID)
    for n in range(3):
        the_draft = draft(EntryKind.EXPENSE, Category.CLEANING, 500 + n, date(2026, 11, 2))
        await book(sessions, finance, yard["id"], the_draft, clock())
        await book(sessions, admin, other_yard["id"], the_draft, clock())
    context = JobContext(sessions, clock, policy)
    assert await jobs.ledger_verify(context) == 0  # all well: nobody is told anything

    await behind_the_back(
        sessions,
        "ledger_entries",
        f"UPDATE ledger_entries SET booked_on = '2026-11-03' "
        f"WHERE seq = 2 AND courtyard_id = {yard['id']}",
    )
    assert await jobs.ledger_verify(context) == 3  # the supervisor and both admins
    assert await jobs.ledger_verify(context) == 0  # the same day: not again
    clock.advance(days=1)
    assert await jobs.ledger_verify(context) == 3  # the next day: again, while it is broken

    async with sessions() as session:
        rows = list(
            await session.execute(
                select(User.telegram_id, OutboxMessage.payload)
                .join(User, User.id == OutboxMessage.user_id)
                .where(OutboxMessage.kind == "ledger.chain_broken")
            )
        )
    assert {t for t, _ in rows} == {SUPERVISOR_ID, ADMIN_ID, SECOND_ADMIN_ID}
    assert LEADER_ID not in {t for t, _ in rows}
    assert {(p["courtyard"], p["seq"], p["problem"]) for _, p in rows} == {
        (yard["name"], 2, "hash")
    }


async def test_the_fee_job_posts_the_days_that_are_over(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    policy: Policy,
    yard: dict[str, Any],
) -> None:
    async with transaction(sessions) as session:
        home = await room(session, yard["id"], "1号楼-1单元-101")
        await payments.record(
            session,
            None,
            yard["id"],
            home.id,
            amount_fen=8650,
            method=PaymentMethod.CASH,
            paid_on=date(2026, 11, 28),
            today=date(2026, 11, 28),
            now=clock(),
        )
    context = JobContext(sessions, clock, policy)

    async def posted() -> list[int]:
        async with sessions() as session:
            return list(await session.scalars(select(LedgerEntry.amount_fen)))

    await jobs.ledger_fee_income(context)
    assert await posted() == []  # the day is not over yet
    clock.advance(days=1)
    await jobs.ledger_fee_income(context)
    await jobs.ledger_fee_income(context)
    assert await posted() == [8650]


async def test_the_3_oclock_check_tells_people_after_the_quiet_hours(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
    policy: Policy,
) -> None:
    the_draft = draft(EntryKind.EXPENSE, Category.CLEANING, 500, date(2026, 11, 2))
    await book(sessions, await actor_of(FINANCE_ID), yard["id"], the_draft, clock())
    await behind_the_back(sessions, "ledger_entries", "UPDATE ledger_entries SET amount_fen = 5")
    clock.now = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)  # 03:00 in Zhengzhou
    assert await jobs.ledger_verify(JobContext(sessions, clock, policy)) == 3
    async with sessions() as session:
        due = set(
            await session.scalars(
                select(OutboxMessage.not_before).where(OutboxMessage.kind == "ledger.chain_broken")
            )
        )
    assert due == {datetime(2026, 11, 29, 0, 0, tzinfo=UTC)}  # 08:00 in Zhengzhou
