"""Exactly one scheduler: on PostgreSQL, the process holding an advisory lock leads; the others
wait and take over when it goes. On SQLite there is one process, so it always leads."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger("courtyard.leader")
LOCK_KEY = 2026_1128  # any constant shared by every bot process of one deployment


async def try_lead(engine: AsyncEngine) -> AsyncConnection | None:
    """Take the lock if free. The lock lives as long as the returned connection stays open."""
    connection = await engine.connect()
    try:
        got = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})
        await connection.commit()  # session-level lock: outlives the transaction
    except BaseException:
        await connection.close()
        raise
    if got:
        return connection
    await connection.close()
    return None


async def release(connection: AsyncConnection) -> None:
    """Give up leading. The connection goes back to the pool, so the lock is let go first (a
    process that dies loses it with its connection)."""
    try:
        await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        await connection.commit()
    finally:
        await connection.close()


async def lead_when_possible(
    engine: AsyncEngine,
    start: Callable[[], None],
    *,
    retry_every: float = 30.0,
) -> None:
    """Call `start` once this process leads; keep leading until cancelled."""
    if engine.dialect.name != "postgresql":
        start()
        await asyncio.Event().wait()
    connection: AsyncConnection | None = None
    try:
        while connection is None:
            connection = await try_lead(engine)
            if connection is None:
                log.info("another process runs the scheduler; checking again in %s s", retry_every)
                await asyncio.sleep(retry_every)
        log.info("this process runs the scheduler")
        start()
        await asyncio.Event().wait()
    finally:
        if connection is not None:
            await release(connection)
