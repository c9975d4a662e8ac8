"""Invented ledger data for tests: finance, a second admin, and helpers that book entries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fees_data import FINANCE_ID, OTHER_FINANCE_ID, SUPERVISOR_ID, grant
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Category, EntryKind, LedgerEntry
from models.db import transaction
from services.access import Actor, Role
from services.ledger import booking

SECOND_ADMIN_ID = 6004  # another admin of the service center (every courtyard)
TODAY = date(2026, 11, 28)

__all__ = ["FINANCE_ID", "OTHER_FINANCE_ID", "SECOND_ADMIN_ID", "SUPERVISOR_ID", "TODAY"]


async def ledger_people(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    yard: dict[str, Any],
    other_yard: dict[str, Any] | None = None,
) -> None:
    await grant(sessions, now, FINANCE_ID, Role.FINANCE, yard["id"])
    await grant(sessions, now, SUPERVISOR_ID, Role.SUPERVISOR, None)
    await grant(sessions, now, SECOND_ADMIN_ID, Role.ADMIN, None)
    if other_yard is not None:
        await grant(sessions, now, OTHER_FINANCE_ID, Role.FINANCE, other_yard["id"])


def draft(
    kind: EntryKind,
    category: Category | None,
    yuan_fen: int,
    day: date,
    description: str = "说明",
    **extra: Any,
) -> booking.Draft:
    return booking.Draft(
        kind=kind,
        category=category,
        amount_fen=yuan_fen,
        booked_on=day,
        counterparty=extra.pop("counterparty", "某公司"),
        description=description,
        **extra,
    )


async def book(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor | None,
    courtyard_id: int,
    the_draft: booking.Draft,
    now: datetime,
    today: date = TODAY,
) -> LedgerEntry:
    async with transaction(sessions) as session:
        return await booking.book(session, actor, courtyard_id, the_draft, today=today, now=now)


async def behind_the_back(
    sessions: async_sessionmaker[AsyncSession], table: str, statement: str
) -> None:
    """Run `statement` with the table's guard off, as someone with the database password
    could: the trigger is disabled (PostgreSQL, enabled again after) or dropped (SQLite, whose
    store is this test's own copy)."""
    from sqlalchemy import text

    async with transaction(sessions) as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        guard = f"{table}_append_only"
        if postgres:
            await session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {guard}"))
        else:
            await session.execute(text(f"DROP TRIGGER {table}_no_update"))
        await session.execute(text(statement))
        if postgres:
            await session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {guard}"))
