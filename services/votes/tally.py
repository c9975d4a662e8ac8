"""The live count of a vote: totals, participation, each option by heads and by area, the
verdict of the rule, participation per building; and, for organizers only, the households that
have not voted. Three aggregate queries whatever the size of the courtyard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Ballot, Household, Vote, VoteOption, VoteRule, VoteStatus, VoteVoter
from services.access import Actor, Role, require
from services.votes import drafting
from services.votes.rules import Count, Thresholds, Verdict, judge, thresholds


@dataclass(frozen=True)
class OptionCount:
    option_id: int
    position: int
    text: str
    includes: str
    rate_per_m2: int | None
    parking_fee_fen: int | None
    heads: int
    area: int


@dataclass(frozen=True)
class BuildingCount:
    building: str
    households: int
    voted: int


@dataclass(frozen=True)
class Tally:
    vote_id: int
    courtyard_id: int
    title: str
    rule: VoteRule
    matter: int | None
    status: VoteStatus
    closes_at: datetime
    choices_visible_before_close: bool
    total: Count
    took_part: Count
    options: list[OptionCount]
    rules: Thresholds
    verdict: Verdict
    buildings: list[BuildingCount]

    def share(self, part: int, whole: int) -> Fraction:
        return Fraction(part, whole) if whole else Fraction(0)

    @property
    def participation_heads(self) -> Fraction:
        return self.share(self.took_part.heads, self.total.heads)

    @property
    def participation_area(self) -> Fraction:
        return self.share(self.took_part.area, self.total.area)

    def leader(self) -> OptionCount | None:
        lead = self.verdict.leading_option_id
        return next((o for o in self.options if o.option_id == lead), None)

    @property
    def approval_heads(self) -> Fraction:
        lead = self.leader()
        return self.share(lead.heads if lead else 0, self.took_part.heads)

    @property
    def approval_area(self) -> Fraction:
        lead = self.leader()
        return self.share(lead.area if lead else 0, self.took_part.area)

    @property
    def open_count(self) -> bool:
        """Whether choices may be shown now (after the close, or when the vote says so)."""
        return self.choices_visible_before_close or self.status in (
            VoteStatus.CLOSED,
            VoteStatus.FINAL,
        )


async def of_vote(session: AsyncSession, vote: Vote, *, per_building: bool = True) -> Tally:
    options = list(
        await session.scalars(
            select(VoteOption).where(VoteOption.vote_id == vote.id).order_by(VoteOption.position)
        )
    )
    sums = {
        option_id: Count(int(heads), int(area))
        for option_id, heads, area in await session.execute(
            select(
                Ballot.option_id,
                func.coalesce(func.sum(Ballot.heads), 0),
                func.coalesce(func.sum(Ballot.area_centi_m2), 0),
            )
            .where(Ballot.vote_id == vote.id)
            .group_by(Ballot.option_id)
        )
    }
    took_part = Count(sum(c.heads for c in sums.values()), sum(c.area for c in sums.values()))
    total = Count(vote.total_heads, vote.total_area_centi_m2)
    rules = thresholds(vote.rule, vote.matter)
    verdict = judge(rules, total, took_part, sums, [o.id for o in options])
    buildings: list[BuildingCount] = []
    if per_building:
        rows = await session.execute(
            select(VoteVoter.building, func.count(VoteVoter.id), func.count(Ballot.id))
            .outerjoin(
                Ballot,
                and_(Ballot.vote_id == VoteVoter.vote_id, Ballot.voter_key == VoteVoter.voter_key),
            )
            .where(VoteVoter.vote_id == vote.id)
            .group_by(VoteVoter.building)
            .order_by(VoteVoter.building)
        )
        buildings = [BuildingCount(b, int(n), int(v)) for b, n, v in rows]
    return Tally(
        vote_id=vote.id,
        courtyard_id=vote.courtyard_id,
        title=vote.title,
        rule=vote.rule,
        matter=vote.matter,
        status=vote.status,
        closes_at=vote.closes_at,
        choices_visible_before_close=vote.choices_visible_before_close,
        total=total,
        took_part=took_part,
        options=[
            OptionCount(
                o.id,
                o.position,
                o.text,
                o.includes,
                o.rate_per_m2,
                o.parking_fee_fen,
                sums.get(o.id, Count(0, 0)).heads,
                sums.get(o.id, Count(0, 0)).area,
            )
            for o in options
        ],
        rules=rules,
        verdict=verdict,
        buildings=buildings,
    )


ORGANIZERS = (Role.GRID_LEADER, Role.ADMIN, Role.SUPERVISOR)


async def live(
    session: AsyncSession, actor: Actor | None, vote_id: int, *, per_building: bool = True
) -> Tally:
    """The organizer's view: every figure (choices too, as only organizers see this)."""
    vote = await drafting.load(session, vote_id)
    if actor is not None:
        require(actor, ORGANIZERS, vote.courtyard_id)
    return await of_vote(session, vote, per_building=per_building)


@dataclass(frozen=True)
class NonVoter:
    household_id: int
    label: str
    owner_name: str | None
    phone: str | None


async def non_voters(session: AsyncSession, actor: Actor | None, vote_id: int) -> list[NonVoter]:
    """Households that have not voted, for door-knocking: to grid leaders and admins only."""
    vote = await drafting.load(session, vote_id)
    if actor is not None:
        require(actor, (Role.GRID_LEADER, Role.ADMIN), vote.courtyard_id)
    voted = select(Ballot.id).where(
        Ballot.vote_id == vote.id, Ballot.voter_key == VoteVoter.voter_key
    )
    rows = await session.scalars(
        select(Household)
        .join(VoteVoter, VoteVoter.household_id == Household.id)
        .where(VoteVoter.vote_id == vote.id, ~voted.exists())
        .order_by(Household.building, Household.unit, Household.room)
    )
    return [NonVoter(h.id, h.label(), h.owner_name, h.phone) for h in rows]
