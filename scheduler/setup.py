"""The AsyncIOScheduler in the bot process: explicit job ids, generous misfire grace."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler import jobs, tickets
from scheduler.jobs import JobContext

MISFIRE_GRACE = 3600  # a job late by up to an hour (a restart, a slow disk) still runs


@dataclass(frozen=True)
class JobSpec:
    id: str
    function: Callable[[JobContext], Awaitable[int]]
    trigger: Callable[[JobContext], object]


# features append their jobs here (e.g. ticket escalation sweeps)
JOBS: list[JobSpec] = [
    JobSpec(
        "pending-digest",
        jobs.pending_digest,
        lambda c: CronTrigger(hour=8, minute=30, timezone=c.policy.timezone),
    ),
    JobSpec("forget-old-updates", jobs.forget_old_updates, lambda c: IntervalTrigger(hours=6)),
    JobSpec("ticket-alerts", tickets.ticket_alerts, lambda c: IntervalTrigger(minutes=1)),
    JobSpec("ticket-auto-close", tickets.ticket_auto_close, lambda c: IntervalTrigger(minutes=10)),
    JobSpec(
        "ticket-digest",
        tickets.ticket_digest,
        lambda c: CronTrigger(hour=8, minute=0, timezone=c.policy.timezone),
    ),
]


def build_scheduler(context: JobContext) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=context.policy.timezone)
    for spec in JOBS:
        scheduler.add_job(
            spec.function,
            spec.trigger(context),
            args=[context],
            id=spec.id,
            replace_existing=True,
            misfire_grace_time=MISFIRE_GRACE,
            coalesce=True,
            max_instances=1,
        )
    return scheduler
