"""Adopting a winning plan: when the passed option carries a fee plan, finance makes it the
courtyard's plan from a chosen period (services.fees.plans.create), and the adoption row links
the new fee plan to the vote and its option."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import VoteAdoption, VoteOption, VoteStatus
from services.access import Actor, require
from services.fees import money, plans
from services.votes import drafting, tally
from services.votes.errors import AlreadyAdopted, NoPlanToAdopt


async def adopt(
    session: AsyncSession,
    actor: Actor | None,
    vote_id: int,
    *,
    from_period: str,
    now: datetime,
) -> plans.PlanInfo:
    """The passed option's plan from `from_period` on; finance only (plans.create checks)."""
    vote = await drafting.load(session, vote_id, for_update=True)
    if actor is not None:
        require(actor, plans.PLANNERS, vote.courtyard_id)
    if vote.status not in (VoteStatus.CLOSED, VoteStatus.FINAL):
        raise NoPlanToAdopt()
    if await session.scalar(select(VoteAdoption.id).where(VoteAdoption.vote_id == vote.id)):
        raise AlreadyAdopted()
    result = await tally.of_vote(session, vote, per_building=False)
    lead = result.leader()
    if result.verdict.outcome.value != "passed" or lead is None:
        raise NoPlanToAdopt()
    option = await session.get(VoteOption, lead.option_id)
    if option is None or option.rate_per_m2 is None or option.parking_fee_fen is None:
        raise NoPlanToAdopt()
    plan = await plans.create(
        session,
        actor,
        vote.courtyard_id,
        name=option.text[:100],
        rate=money.rate_text(option.rate_per_m2),
        parking_fee=money.yuan(option.parking_fee_fen),
        from_period=from_period,
        now=now,
    )
    session.add(
        VoteAdoption(
            vote_id=vote.id,
            option_id=option.id,
            fee_plan_id=plan.id,
            adopted_by=actor.user_id if actor else None,
            adopted_at=now,
        )
    )
    drafting.record(
        session,
        actor,
        vote,
        "plan_adopted",
        now,
        None,
        None,
        {"fee_plan_id": plan.id, "option": option.position, "from_period": plan.from_period},
    )
    return plan
