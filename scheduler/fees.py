"""Fee jobs: the monthly bill run at 00:05 local time on the 1st (again on the 2nd and 3rd as a
catch-up after downtime: a re-run writes nothing), and the hourly reminder sweep. Thin: the
rules are in services.fees (bills, reminders); the scheduler leader is the one runner."""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.triggers.cron import CronTrigger

from scheduler.jobs import JobContext, JobSpec, every
from services.fees import bills, periods, reminders

log = logging.getLogger("courtyard.jobs")
BILL_RUN_DAYS = "1-3"  # the 1st; the 2nd and 3rd only fill what a missed run left


def monthly_at(hour: int, minute: int) -> Callable[[JobContext], object]:
    """On the first days of every month at this local time."""
    return lambda c: CronTrigger(
        day=BILL_RUN_DAYS, hour=hour, minute=minute, timezone=c.policy.timezone
    )


async def fee_bill_run(context: JobContext) -> int:
    """Bill the local month for every courtyard with a plan, then send its notices."""
    now = context.clock()
    period = periods.of(context.policy.local(now).date())
    runs = await bills.run_period(context.sessions, period, now)
    issued = sum(r.issued for r in runs)
    log.info("job fee-bill-run issued %s bill line(s) for %s", issued, period)
    await fee_reminders(context)
    return issued


async def fee_reminders(context: JobContext) -> int:
    written = await reminders.sweep(context.sessions, context.clock(), context.policy)
    log.info("job fee-reminders wrote %s outbox row(s)", written)
    if written:
        context.after_commit()
    return written


JOBS = (
    JobSpec("fee-bill-run", fee_bill_run, monthly_at(0, 5)),
    JobSpec("fee-reminders", fee_reminders, every(hours=1)),
)
