"""Closing a vote: at its deadline (a sweep) or early by an admin with a reason; the result
to everyone; the objection period, after which the result is final (a sweep). Cancelling."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Vote, VoteStatus
from services import visits
from services.access import Actor
from services.policy import Policy
from services.votes import drafting, machine, notices, tally
from services.votes.errors import ReasonRequired
from services.votes.machine import VoteAction


async def _close(
    session: AsyncSession,
    actor: Actor | None,
    vote: Vote,
    now: datetime,
    policy: Policy,
    *,
    action: VoteAction,
    reason: str | None = None,
) -> tally.Tally:
    before = vote.status
    vote.status = machine.require(
        actor, vote.status, vote.courtyard_id, action, system=action is VoteAction.CLOSE
    )
    vote.closed_at = now
    vote.close_reason = reason
    await session.flush()
    result = await tally.of_vote(session, vote, per_building=False)
    drafting.record(
        session,
        actor,
        vote,
        machine.MACHINE.event(action),
        now,
        before,
        vote.status,
        {
            "outcome": result.verdict.outcome.value,
            "heads": result.took_part.heads,
            "area_centi_m2": result.took_part.area,
            "reason": reason,
        },
        channel="system" if action is VoteAction.CLOSE else None,
    )
    await notices.tell_result(session, vote, result, now, policy)
    await visits.close_open(session, kind=notices.VISIT_KIND, ref=str(vote.id), now=now)
    return result


async def close_due(session: AsyncSession, now: datetime, policy: Policy) -> list[int]:
    """Close every open vote whose deadline has come; the ids closed."""
    votes = list(
        await session.scalars(
            select(Vote)
            .where(Vote.status == VoteStatus.OPEN, Vote.closes_at <= now)
            .order_by(Vote.id)
            .with_for_update(skip_locked=True)
        )
    )
    for vote in votes:
        await _close(session, None, vote, now, policy, action=VoteAction.CLOSE)
    return [v.id for v in votes]


async def close_early(
    session: AsyncSession,
    actor: Actor | None,
    vote_id: int,
    reason: str,
    now: datetime,
    policy: Policy,
) -> tally.Tally:
    """An admin closes before the deadline, saying why (the reason is published)."""
    vote = await drafting.load(session, vote_id, for_update=True)
    machine.require(actor, vote.status, vote.courtyard_id, VoteAction.CLOSE_EARLY)
    if not reason.strip():
        raise ReasonRequired()
    return await _close(
        session, actor, vote, now, policy, action=VoteAction.CLOSE_EARLY, reason=reason.strip()
    )


async def cancel(
    session: AsyncSession, actor: Actor | None, vote_id: int, reason: str, now: datetime
) -> None:
    """An admin calls off an open vote (its ballots are kept, not counted)."""
    vote = await drafting.load(session, vote_id, for_update=True)
    before = vote.status
    vote.status = machine.require(actor, vote.status, vote.courtyard_id, VoteAction.CANCEL)
    if not reason.strip():
        raise ReasonRequired()
    vote.cancelled_at, vote.close_reason = now, reason.strip()
    drafting.record(
        session, actor, vote, "vote_cancelled", now, before, vote.status, {"reason": reason}
    )


def objection_ends(vote: Vote) -> datetime | None:
    if vote.closed_at is None:
        return None
    return vote.closed_at + timedelta(days=vote.objection_days)


async def finalize_due(session: AsyncSession, now: datetime) -> list[int]:
    """Closed votes whose objection period is over become final."""
    votes = list(
        await session.scalars(
            select(Vote).where(Vote.status == VoteStatus.CLOSED).order_by(Vote.id)
        )
    )
    done: list[int] = []
    for vote in votes:
        ends = objection_ends(vote)
        if ends is None or ends > now:
            continue
        vote.status = machine.require(
            None, vote.status, vote.courtyard_id, VoteAction.FINALIZE, system=True
        )
        vote.final_at = now
        drafting.record(
            session,
            None,
            vote,
            "vote_final",
            now,
            VoteStatus.CLOSED,
            VoteStatus.FINAL,
            channel="system",
        )
        done.append(vote.id)
    return done
