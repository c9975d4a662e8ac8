"""The AsyncIOScheduler in the bot process: the features' jobs, explicit ids, generous grace."""

from __future__ import annotations

from collections.abc import Iterable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.jobs import JobContext, JobSpec

MISFIRE_GRACE = 3600  # a job late by up to an hour (a restart, a slow disk) still runs


def build_scheduler(context: JobContext, specs: Iterable[JobSpec]) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=context.policy.timezone)
    ids: set[str] = set()
    for spec in specs:
        if spec.id in ids:
            raise ValueError(f"two jobs with the id {spec.id}")
        ids.add(spec.id)
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
