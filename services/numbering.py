"""Gapless numbers per courtyard (tickets WSL-0001, receipts WSL-R000001): a counter row per
courtyard, bumped with one conditional UPDATE ... RETURNING in the caller's transaction.

The UPDATE holds the counter row's lock until the transaction ends (PostgreSQL); on SQLite the
write lock is taken at BEGIN IMMEDIATE. A rolled-back transaction takes its number back with
it, so the numbers that exist have no gaps."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, TextClause, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

# the statement that makes sure a courtyard's counter row exists, per counter table: a text()
# statement is compiled once and cached (a dialect INSERT ... ON CONFLICT construct is not)
_ENSURE: dict[str, TextClause] = {}


def _ensure_row(counter: Any) -> TextClause:
    table = str(counter.__tablename__)
    statement = _ENSURE.get(table)
    if statement is None:
        statement = _ENSURE[table] = text(
            f"INSERT INTO {table} (courtyard_id, last) VALUES (:courtyard_id, 0) "
            "ON CONFLICT (courtyard_id) DO NOTHING"
        ).bindparams(bindparam("courtyard_id", type_=Integer()))
    return statement


async def next_number(session: AsyncSession, counter: Any, courtyard_id: int) -> int:
    """The courtyard's next number from `counter`, a model with `courtyard_id` (primary key)
    and `last` columns (TicketCounter, ReceiptCounter)."""
    await session.execute(_ensure_row(counter), {"courtyard_id": courtyard_id})
    number = await session.scalar(
        update(counter)
        .where(counter.courtyard_id == courtyard_id)
        .values(last=counter.last + 1)
        .returning(counter.last)
        .execution_options(synchronize_session=False)
    )
    assert number is not None
    return int(number)


async def hold(session: AsyncSession, counter: Any, courtyard_id: int) -> None:
    """Take the courtyard's counter row lock without drawing a number: work that must not
    interleave with numbering (settling a courtyard's payments) waits on the same row."""
    await session.execute(_ensure_row(counter), {"courtyard_id": courtyard_id})
    await session.execute(
        select(counter.last).where(counter.courtyard_id == courtyard_id).with_for_update()
    )
