"""The scheduler's vote sweeps, each `(session, now, policy) -> rows written`: opening at the
set time, closing at the deadline and the end of the objection period, reminders, the group
cards' debounced edits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.policy import Policy
from services.votes import closing, drafting, notices


async def close(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Open the drafts whose time has come, close those whose deadline has, end objection
    periods."""
    written = 0
    for vote in await drafting.open_due(session, now):
        written += await notices.announce(session, vote, now, policy)
    closed = await closing.close_due(session, now, policy)
    await closing.finalize_due(session, now)
    # the closed votes' cards say so at once (they are exempt from nothing but the debounce)
    return written + len(closed) + (await notices.refresh_cards(session, now) if closed else 0)


async def remind(session: AsyncSession, now: datetime, policy: Policy) -> int:
    return await notices.remind(session, now, policy)


async def cards(session: AsyncSession, now: datetime, _policy: Policy) -> int:
    return await notices.refresh_cards(session, now)
