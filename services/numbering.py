"""Gapless numbers per courtyard (tickets WSL-0001, receipts WSL-R000001): a counter row per
courtyard, bumped with one conditional UPDATE ... RETURNING in the caller's transaction.

The UPDATE holds the counter row's lock until the transaction ends (PostgreSQL); on SQLite the
write lock is taken at BEGIN IMMEDIATE. A rolled-back transaction takes its number back with
it, so the numbers that exist have no gaps."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, TextClause, bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncSession

# the statement that makes sure a courtyard's counter row exists, per counter table: a text()
# statement is compiled once and cached (a dialect INSERT ... ON CONFLICT construct is not)
_ENSURE: dict[tuple[str, bool], TextClause] = {}


def _ensure_row(counter: Any, *, lock: bool = False) -> TextClause:
    """INSERT the counter row unless it exists; with `lock`, a no-op update of an existing row
    takes its row lock in the same statement (one round trip instead of two)."""
    table = str(counter.__tablename__)
    statement = _ENSURE.get((table, lock))
    if statement is None:
        conflict = f"DO UPDATE SET last = {table}.last" if lock else "DO NOTHING"
        statement = _ENSURE[(table, lock)] = text(
            f"INSERT INTO {table} (courtyard_id, last) VALUES (:courtyard_id, 0) "
            f"ON CONFLICT (courtyard_id) {conflict}"
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
    await session.execute(_ensure_row(counter, lock=True), {"courtyard_id": courtyard_id})
