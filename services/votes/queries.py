"""Reading votes: a courtyard's list, one vote with its options, what a person may vote on,
and the ballot of a household."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Ballot,
    Courtyard,
    Household,
    Vote,
    VoteOption,
    VoteRule,
    VoteStatus,
    VoteVoter,
)
from services.votes import drafting, prices


@dataclass(frozen=True)
class VoteRow:
    id: int
    courtyard: str
    title: str
    rule: VoteRule
    matter: int | None
    status: VoteStatus
    closes_at: datetime
    total_heads: int
    ballots: int


async def listing(
    session: AsyncSession, courtyard_id: int | None = None, *, among: set[int] | None = None
) -> list[VoteRow]:
    """Newest first; of one courtyard, of some (`among`), or of all."""
    counts = (
        select(Ballot.vote_id, func.count(Ballot.id).label("n")).group_by(Ballot.vote_id).subquery()
    )
    query = (
        select(Vote, Courtyard.name, func.coalesce(counts.c.n, 0))
        .join(Courtyard, Courtyard.id == Vote.courtyard_id)
        .outerjoin(counts, counts.c.vote_id == Vote.id)
        .order_by(Vote.id.desc())
    )
    if courtyard_id is not None:
        query = query.where(Vote.courtyard_id == courtyard_id)
    if among is not None:
        query = query.where(Vote.courtyard_id.in_(sorted(among)))
    return [
        VoteRow(v.id, name, v.title, v.rule, v.matter, v.status, v.closes_at, v.total_heads, int(n))
        for v, name, n in await session.execute(query)
    ]


@dataclass(frozen=True)
class VoteView:
    """A vote as the channel shows it."""

    id: int
    courtyard_id: int
    title: str
    text: str
    rule: VoteRule
    matter: int | None
    status: VoteStatus
    closes_at: datetime
    allow_change: bool

    @classmethod
    def of(cls, vote: Vote) -> VoteView:
        return cls(
            vote.id,
            vote.courtyard_id,
            vote.title,
            vote.text,
            vote.rule,
            vote.matter,
            vote.status,
            vote.closes_at,
            vote.allow_change,
        )


async def vote(session: AsyncSession, vote_id: int) -> VoteView:
    return VoteView.of(await drafting.load(session, vote_id))


@dataclass(frozen=True)
class OptionView:
    position: int
    text: str
    includes: str
    rate_per_m2: int | None
    parking_fee_fen: int | None


async def options(session: AsyncSession, vote_id: int) -> list[OptionView]:
    rows = await session.scalars(
        select(VoteOption).where(VoteOption.vote_id == vote_id).order_by(VoteOption.position)
    )
    return [
        OptionView(o.position, o.text, o.includes, o.rate_per_m2, o.parking_fee_fen) for o in rows
    ]


@dataclass(frozen=True)
class Home:
    household_id: int
    label: str
    area_centi_m2: int
    parking_spaces: int
    receipt: str | None  # its voter's ballot, if cast
    voted_position: int | None


async def homes_of(session: AsyncSession, vote_id: int, household_ids: list[int]) -> list[Home]:
    """The person's households in this vote's snapshot, with the ballot of each, if any."""
    if not household_ids:
        return []
    rows = await session.execute(
        select(VoteVoter, Household, Ballot, VoteOption.position)
        .join(Household, Household.id == VoteVoter.household_id)
        .outerjoin(
            Ballot,
            (Ballot.vote_id == VoteVoter.vote_id) & (Ballot.voter_key == VoteVoter.voter_key),
        )
        .outerjoin(VoteOption, VoteOption.id == Ballot.option_id)
        .where(VoteVoter.vote_id == vote_id, VoteVoter.household_id.in_(household_ids))
        .order_by(Household.building, Household.unit, Household.room)
    )
    return [
        Home(
            h.id,
            h.label(),
            vv.area_centi_m2,
            vv.parking_spaces,
            b.receipt_code if b else None,
            position,
        )
        for vv, h, b, position in rows
    ]


async def price_lines(session: AsyncSession, vote_id: int, home: Home) -> list[prices.Price]:
    """Each option's monthly price for this household, from the snapshot's area and spaces."""
    found = await options(session, vote_id)
    return prices.for_household(
        [(o.position, o.rate_per_m2, o.parking_fee_fen) for o in found],
        home.area_centi_m2,
        home.parking_spaces,
    )


async def open_for(
    session: AsyncSession, household_ids: list[int], now: datetime
) -> list[VoteView]:
    """Open votes these households are in."""
    if not household_ids:
        return []
    # EXISTS, not a join with DISTINCT: PostgreSQL has no equality for the json columns
    voting = exists().where(VoteVoter.vote_id == Vote.id, VoteVoter.household_id.in_(household_ids))
    rows = await session.scalars(
        select(Vote)
        .where(Vote.status == VoteStatus.OPEN, Vote.closes_at > now, voting)
        .order_by(Vote.closes_at)
    )
    return [VoteView.of(v) for v in rows]
