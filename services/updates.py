"""Remembering handled update ids, so a redelivered update is handled once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import ProcessedUpdate


async def first_time(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Mark the update handled (in the caller's transaction); False if it was already."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = await session.execute(
        insert(ProcessedUpdate)
        .values(update_id=update_id, handled_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
    )
    return bool(getattr(result, "rowcount", 0))


async def forget_older_than(session: AsyncSession, cutoff: datetime) -> int:
    """Telegram redelivers for at most a day; older ids need not be kept."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.handled_at < cutoff)
    )
    return int(getattr(result, "rowcount", 0))


REDELIVERY_WINDOW = timedelta(days=2)
