"""The protocol of a closed vote: totals, participation, approval, the rule applied, and the
ballots, published by room with their choice only when the vote was created open (choices
visible), otherwise by receipt code only, so each voter can check their own ballot. Never
names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Ballot, Household, VoteOption, VoteStatus
from services.access import Actor, Role, require
from services.votes import drafting, tally
from services.votes.closing import objection_ends
from services.votes.errors import NotClosedYet
from services.votes.receipts import shown


@dataclass(frozen=True)
class BallotLine:
    receipt: str  # as printed, 'K7Q-4M2X'
    room: str | None  # only when the vote was created open
    option: int  # position
    channel: str


@dataclass(frozen=True)
class Protocol:
    result: tally.Tally
    opened_at: datetime | None
    closed_at: datetime | None
    objection_until: datetime | None
    close_reason: str | None
    rooms_shown: bool
    ballots: list[BallotLine]


READERS = (Role.GRID_LEADER, Role.ADMIN, Role.SUPERVISOR, Role.RESIDENT)


async def build(session: AsyncSession, actor: Actor | None, vote_id: int) -> Protocol:
    """The protocol once the vote has closed (before that the count is not published)."""
    vote = await drafting.load(session, vote_id)
    if actor is not None:
        require(actor, READERS, vote.courtyard_id)
    if vote.status not in (VoteStatus.CLOSED, VoteStatus.FINAL):
        raise NotClosedYet()
    result = await tally.of_vote(session, vote)
    rooms = vote.choices_visible_before_close
    query = (
        select(Ballot.receipt_code, Household, VoteOption.position, Ballot.channel)
        .join(Household, Household.id == Ballot.household_id)
        .join(VoteOption, VoteOption.id == Ballot.option_id)
        .where(Ballot.vote_id == vote.id)
    )
    order = (
        (Household.building, Household.unit, Household.room) if rooms else (Ballot.receipt_code,)
    )
    rows = await session.execute(query.order_by(*order))
    ballots = [
        BallotLine(shown(code), home.label() if rooms else None, position, channel.value)
        for code, home, position, channel in rows
    ]
    return Protocol(
        result=result,
        opened_at=vote.opened_at,
        closed_at=vote.closed_at,
        objection_until=objection_ends(vote),
        close_reason=vote.close_reason,
        rooms_shown=rooms,
        ballots=ballots,
    )
