"""Counting by Civil Code Art. 278 on an invented registry of 纬三路13号院 (200 households):
the 135:54 plan vote end to end, heads passing while area fails, a missed quorum, a ¾ matter,
one owner of several units, and a simple majority. Expected figures are worked out here
independently, with decimals, from the registry the test built."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from votes_data import Registry, open_plan_vote, paper_ballots, plan_draft, seed_registry, set_areas

from models import Ballot, Event, Household, VoteRule, VoteVoter
from services.clock import FixedClock
from services.policy import Policy
from services.votes import casting, closing, tally
from services.votes.errors import AlreadyVoted
from services.votes.rules import Outcome


@pytest.fixture
async def registry(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> Registry:
    return await seed_registry(sessions, clock())


def percent(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) * 100


async def live(
    sessions: async_sessionmaker[AsyncSession], registry: Registry, vote_id: int
) -> tally.Tally:
    async with sessions() as session:
        return await tally.live(session, registry.leader, vote_id)


async def test_the_135_to_54_vote_passes_on_both_majorities(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    guard = list(range(135))  # plan 2, the guarded one
    basic = list(range(135, 189))  # plan 1
    await paper_ballots(sessions, registry, vote_id, [(i, 2) for i in guard], clock())
    await paper_ballots(sessions, registry, vote_id, [(i, 1) for i in basic], clock())

    result = await live(sessions, registry, vote_id)

    total_area = sum(registry.areas)
    part_area = sum(registry.areas[i] for i in guard + basic)
    guard_area = sum(registry.areas[i] for i in guard)
    assert (result.total.heads, result.total.area) == (200, total_area)
    assert (result.took_part.heads, result.took_part.area) == (189, part_area)
    by_position = {o.position: (o.heads, o.area) for o in result.options}
    assert by_position == {2: (135, guard_area), 1: (54, part_area - guard_area)}
    # the four ratios, reckoned here with decimals
    assert percent(189, 200) == Decimal("94.5")
    assert result.participation_heads == Fraction(189, 200)
    assert Decimal(
        result.participation_area.numerator
    ) / result.participation_area.denominator * 100 == percent(part_area, total_area)
    assert percent(part_area, total_area) >= Decimal(200) / 3
    assert result.approval_heads == Fraction(135, 189)
    assert percent(guard_area, part_area) > 50
    assert result.approval_area == Fraction(guard_area, part_area)
    assert result.verdict.outcome is Outcome.PASSED
    assert result.leader() is not None
    assert result.leader().position == 2  # type: ignore[union-attr]
    assert sum(b.voted for b in result.buildings) == 189
    assert [b.households for b in result.buildings] == [50, 50, 50, 50]

    async with sessions() as session:
        waiting = await tally.non_voters(session, registry.leader, vote_id)
    assert len(waiting) == 11
    assert {w.household_id for w in waiting} == {registry.households[i] for i in range(189, 200)}

    clock.advance(days=7)
    async with sessions() as session, session.begin():
        assert await closing.close_due(session, clock(), policy) == [vote_id]
    closed = await live(sessions, registry, vote_id)
    assert closed.status.value == "closed"
    assert closed.verdict.outcome is Outcome.PASSED
    async with sessions() as session:
        actions = list(
            await session.scalars(
                select(Event.action)
                .where(Event.subject_type == "vote", Event.subject_id == vote_id)
                .order_by(Event.id)
            )
        )
    assert actions[:2] == ["vote_created", "vote_opened"]
    assert actions.count("ballot_entered") == 189
    assert actions[-1] == "vote_closed"


async def test_heads_pass_but_area_fails(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    # the 54 who prefer plan 1 hold large flats
    await set_areas(sessions, registry, dict.fromkeys(range(135, 189), 30000))
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await paper_ballots(sessions, registry, vote_id, [(i, 2) for i in range(135)], clock())
    await paper_ballots(sessions, registry, vote_id, [(i, 1) for i in range(135, 189)], clock())

    result = await live(sessions, registry, vote_id)

    guard_area = sum(registry.areas[:135])
    part_area = sum(registry.areas[:189])
    assert percent(guard_area, part_area) < 50  # independently: area fails
    assert result.verdict.quorum
    assert result.verdict.approval_heads_met
    assert not result.verdict.approval_area_met
    assert result.verdict.outcome is Outcome.NOT_PASSED
    # ballots of plan 2 that would have to join: more than half of the area
    need = part_area - 2 * guard_area
    assert result.verdict.shortfall.approval_area == need + 1


async def test_participation_below_two_thirds_is_no_quorum_with_the_distance(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await paper_ballots(sessions, registry, vote_id, [(i, 2) for i in range(120)], clock())

    result = await live(sessions, registry, vote_id)

    assert result.verdict.outcome is Outcome.NO_QUORUM
    # 2/3 of 200 heads is 133.33…: 134 must take part, 14 more than 120
    assert result.verdict.shortfall.participation_heads == 14
    total_area, part_area = sum(registry.areas), sum(registry.areas[:120])
    needed = -(-2 * total_area // 3)  # ceiling of two thirds, in hundredths of m²
    assert result.verdict.shortfall.participation_area == needed - part_area
    assert Decimal(needed) >= Decimal(total_area) * 2 / 3 > Decimal(needed - 1)


@pytest.mark.parametrize(("yes", "outcome"), [(141, Outcome.NOT_PASSED), (150, Outcome.PASSED)])
async def test_a_three_quarter_matter(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
    yes: int,
    outcome: Outcome,
) -> None:
    """Matter 6 (raising the maintenance fund): at least 3/4 of the participants' heads and area."""
    draft = plan_draft(clock() + timedelta(days=7), matter=6)
    vote_id = await open_plan_vote(sessions, registry, clock, policy, draft)
    await paper_ballots(sessions, registry, vote_id, [(i, 2) for i in range(yes)], clock())
    await paper_ballots(sessions, registry, vote_id, [(i, 1) for i in range(yes, 190)], clock())

    result = await live(sessions, registry, vote_id)

    heads_share = percent(yes, 190)
    area_share = percent(sum(registry.areas[:yes]), sum(registry.areas[:190]))
    expected = Outcome.PASSED if heads_share >= 75 and area_share >= 75 else Outcome.NOT_PASSED
    assert expected is outcome  # the test's own reckoning agrees with the case
    assert result.verdict.outcome is outcome


async def test_one_owner_of_three_units_is_one_head_with_the_areas_summed(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            update(Household)
            .where(Household.id.in_(registry.households[10:13]))
            .values(owner_name="王建国", phone="13900000010")
        )
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    async with sessions() as session, session.begin():
        result = await casting.cast(
            session, registry.resident(11), vote_id, registry.households[11], 2, clock()
        )
    assert result.counted
    # the same owner through another of the units: the same voter, already voted
    with pytest.raises(AlreadyVoted):
        async with sessions() as session, session.begin():
            await casting.cast(
                session, registry.resident(11), vote_id, registry.households[11], 1, clock()
            )

    live_result = await live(sessions, registry, vote_id)
    assert live_result.total.heads == 198
    assert live_result.total.area == sum(registry.areas)
    assert (live_result.took_part.heads, live_result.took_part.area) == (
        1,
        sum(registry.areas[10:13]),
    )
    async with sessions() as session:
        keys = await session.scalar(
            select(func.count(func.distinct(VoteVoter.voter_key))).where(
                VoteVoter.vote_id == vote_id
            )
        )
        ballots = await session.scalar(
            select(func.count(Ballot.id)).where(Ballot.vote_id == vote_id)
        )
    assert (keys, ballots) == (198, 1)


async def test_a_simple_vote_counts_households_and_lets_tenants_vote(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    draft = plan_draft(clock() + timedelta(days=3), rule=VoteRule.SIMPLE.value, matter=None)
    vote_id = await open_plan_vote(sessions, registry, clock, policy, draft)
    async with sessions() as session, session.begin():
        by_tenant = await casting.cast(
            session, registry.tenant(0), vote_id, registry.households[0], 1, clock()
        )
    assert by_tenant.counted
    await paper_ballots(sessions, registry, vote_id, [(1, 1), (2, 2), (3, 2)], clock())

    result = await live(sessions, registry, vote_id)

    assert result.rules.participation is None
    assert result.took_part.heads == 4
    # 2 against 2: no option has more than half
    assert result.verdict.leading_option_id is None
    assert result.verdict.outcome is Outcome.NOT_PASSED
    await paper_ballots(sessions, registry, vote_id, [(4, 2)], clock())
    assert (await live(sessions, registry, vote_id)).verdict.outcome is Outcome.PASSED
