"""Vote jobs: closing at the deadline (and the end of the objection period), reminders before
the close to households that have not voted, the group cards' debounced edits. Thin: the rules
are in services.votes."""

from __future__ import annotations

from scheduler.jobs import JobContext, JobSpec, every, run_sweep
from services.votes import sweeps


async def vote_close(context: JobContext) -> int:
    return await run_sweep(context, "vote-close", sweeps.close)


async def vote_reminders(context: JobContext) -> int:
    return await run_sweep(context, "vote-reminders", sweeps.remind)


async def vote_cards(context: JobContext) -> int:
    return await run_sweep(context, "vote-cards", sweeps.cards)


JOBS = (
    JobSpec("vote-close", vote_close, every(minutes=1)),
    JobSpec("vote-reminders", vote_reminders, every(minutes=10)),
    JobSpec("vote-cards", vote_cards, every(seconds=10)),
)
