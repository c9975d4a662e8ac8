"""Thin jobs: each opens its own session and transaction and calls one service sweep."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.db import transaction
from services import membership, updates
from services.clock import Clock
from services.policy import Policy

log = logging.getLogger("courtyard.jobs")
Sweep = Callable[[AsyncSession, datetime, Policy], Awaitable[int]]


@dataclass
class JobContext:
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    policy: Policy
    after_commit: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class JobSpec:
    """A feature's job: an explicit id (one job whatever restarts), what to run, and when."""

    id: str
    function: Callable[[JobContext], Awaitable[int]]
    trigger: Callable[[JobContext], object]


def daily_at(hour: int, minute: int) -> Callable[[JobContext], object]:
    """Every day at this local time."""
    return lambda c: CronTrigger(hour=hour, minute=minute, timezone=c.policy.timezone)


def every(**interval: int) -> Callable[[JobContext], object]:
    return lambda _c: IntervalTrigger(**interval)


async def run_sweep(context: JobContext, name: str, sweep: Sweep) -> int:
    async with transaction(context.sessions) as session:
        written = await sweep(session, context.clock(), context.policy)
    log.info("job %s wrote %s outbox row(s)", name, written)
    if written:
        context.after_commit()
    return written


async def pending_digest(context: JobContext) -> int:
    return await run_sweep(context, "pending-digest", membership.pending_digest)


async def forget_old_updates(context: JobContext) -> int:
    async def sweep(session: AsyncSession, now: datetime, _policy: Policy) -> int:
        await updates.forget_older_than(session, now - updates.REDELIVERY_WINDOW)
        return 0

    return await run_sweep(context, "forget-updates", sweep)


JOBS = (
    JobSpec("pending-digest", pending_digest, daily_at(8, 30)),
    JobSpec("forget-old-updates", forget_old_updates, every(hours=6)),
)
