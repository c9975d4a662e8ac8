"""Remembering handled update ids, so a redelivered update is handled once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import ProcessedUpdate
from models.db import upsert_insert


async def first_time(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Mark the update handled (in the caller's transaction); False if it was already."""
    result = await session.execute(
        upsert_insert(session, ProcessedUpdate)
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
