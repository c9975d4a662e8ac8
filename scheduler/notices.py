"""Notice jobs: each minute, notices whose time has come are marked sent (households nobody
reaches go on the visit list) and authors are told of passed deadlines. Thin: the rules are in
services.notices. (Scheduled notices need no job to go out: their outbox rows wait.)"""

from __future__ import annotations

from scheduler.jobs import JobContext, JobSpec, every, run_sweep
from services.notices import lifecycle


async def notice_sweep(context: JobContext) -> int:
    return await run_sweep(context, "notice-sweep", lifecycle.sweep)


JOBS = (JobSpec("notice-sweep", notice_sweep, every(minutes=1)),)
