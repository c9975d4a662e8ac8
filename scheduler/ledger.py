"""Ledger jobs: posting fee income of the days that are over, and the daily verification of
every chain (alerts supervisors and admins when one breaks). Thin: the rules are in
services.ledger."""

from __future__ import annotations

import logging

from scheduler.jobs import JobContext, JobSpec, daily_at, run_sweep
from services.ledger import fees, watch

log = logging.getLogger("courtyard.jobs")


async def ledger_fee_income(context: JobContext) -> int:
    """One transaction per courtyard (a crash leaves the others posted; a re-run completes)."""
    done = await fees.post_all(context.sessions, context.clock(), context.policy.timezone)
    posted = sum(p.summaries + p.reversals for p in done)
    log.info("job ledger-fee-income posted %s entries", posted)
    return 0  # writes no outbox rows


async def ledger_verify(context: JobContext) -> int:
    return await run_sweep(context, "ledger-verify", watch.verify_all)


JOBS = (
    JobSpec("ledger-fee-income", ledger_fee_income, daily_at(0, 30)),
    JobSpec("ledger-verify", ledger_verify, daily_at(3, 0)),
)
