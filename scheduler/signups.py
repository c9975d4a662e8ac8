"""Sign-up jobs: the reminder the day before. Thin: the rule is in services.signups."""

from __future__ import annotations

from scheduler.jobs import JobContext, JobSpec, every, run_sweep
from services.signups import reminders


async def signup_reminders(context: JobContext) -> int:
    return await run_sweep(context, "signup-reminders", reminders.sweep)


JOBS = (JobSpec("signup-reminders", signup_reminders, every(minutes=30)),)
