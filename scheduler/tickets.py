"""Ticket jobs: deadline reminders and escalations, closing unanswered fixes, the morning
digest. Thin: the rules are in services.tickets."""

from __future__ import annotations

from scheduler.jobs import JobContext, JobSpec, daily_at, every, run_sweep
from services.tickets import alerts, lifecycle


async def ticket_alerts(context: JobContext) -> int:
    return await run_sweep(context, "ticket-alerts", alerts.sweep)


async def ticket_auto_close(context: JobContext) -> int:
    return await run_sweep(context, "ticket-auto-close", lifecycle.auto_close)


async def ticket_digest(context: JobContext) -> int:
    return await run_sweep(context, "ticket-digest", alerts.digest)


JOBS = (
    JobSpec("ticket-alerts", ticket_alerts, every(minutes=1)),
    JobSpec("ticket-auto-close", ticket_auto_close, every(minutes=10)),
    JobSpec("ticket-digest", ticket_digest, daily_at(8, 0)),
)
