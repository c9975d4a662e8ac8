"""Ballots: online, on paper and by proxy; conflicts; what is refused and that it changes
nothing; 100 taps of one household at once; permissions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from votes_data import Registry, open_plan_vote, plan_draft, seed_registry

from models import Ballot, BallotChannel, BallotConflict, OutboxMessage, Vote, VoteStatus
from services.access import Actor
from services.clock import FixedClock
from services.errors import DomainError, NotAllowed
from services.policy import Policy
from services.votes import casting, closing, drafting, receipts, tally
from services.votes.drafting import OptionDraft, VoteDraft
from services.votes.errors import (
    AlreadyVoted,
    BadMatter,
    BadOptionPlan,
    BadOptions,
    CloseInPast,
    NotEligible,
    OwnersOnly,
    PhotoRequired,
    ProxyNameRequired,
    ReasonRequired,
    UnknownBuildings,
    VoteClosed,
    VoteFrozen,
)


@pytest.fixture
async def registry(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> Registry:
    return await seed_registry(sessions, clock())


async def count(sessions: async_sessionmaker[AsyncSession], model: type, vote_id: int) -> int:
    async with sessions() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(model).where(model.vote_id == vote_id)
            )  # type: ignore[attr-defined]
            or 0
        )


async def test_an_online_ballot_gives_a_checkable_receipt_and_a_second_is_refused(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    async with sessions() as session, session.begin():
        result = await casting.cast(
            session, registry.resident(7), vote_id, registry.households[7], 2, clock()
        )
    assert result.counted
    assert receipts.valid(result.receipt)
    assert not receipts.valid(result.receipt[:-1] + ("A" if result.receipt[-1] != "A" else "B"))
    with pytest.raises(AlreadyVoted) as refused:
        async with sessions() as session, session.begin():
            await casting.cast(
                session, registry.resident(7), vote_id, registry.households[7], 1, clock()
            )
    assert refused.value.params["receipt"] == receipts.shown(result.receipt)
    async with sessions() as session:
        ballot = await session.scalar(select(Ballot).where(Ballot.vote_id == vote_id))
    assert ballot is not None
    assert (ballot.channel, ballot.heads, ballot.area_centi_m2) == (
        BallotChannel.ONLINE,
        1,
        registry.areas[7],
    )
    assert ballot.cast_by == registry.residents[7]


async def test_a_vote_that_allows_changes_keeps_one_ballot_with_the_new_choice(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    draft = plan_draft(clock() + timedelta(days=7), allow_change=True)
    vote_id = await open_plan_vote(sessions, registry, clock, policy, draft)
    for position in (1, 2):
        async with sessions() as session, session.begin():
            await casting.cast(
                session, registry.resident(3), vote_id, registry.households[3], position, clock()
            )
    async with sessions() as session:
        result = await tally.live(session, registry.leader, vote_id)
    assert [(o.position, o.heads) for o in result.options] == [(1, 0), (2, 1)]


async def test_paper_and_proxy_ballots_need_their_photo_and_proxy_name(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    home = registry.households[20]
    with pytest.raises(PhotoRequired):
        async with sessions() as session, session.begin():
            await casting.enter(
                session, registry.leader, vote_id, home, 1, clock(), channel=BallotChannel.PAPER
            )
    with pytest.raises(ProxyNameRequired):
        async with sessions() as session, session.begin():
            await casting.enter(
                session,
                registry.leader,
                vote_id,
                home,
                1,
                clock(),
                channel=BallotChannel.PROXY,
                photo_file_id="p",
            )
    assert await count(sessions, Ballot, vote_id) == 0
    async with sessions() as session, session.begin():
        result = await casting.enter(
            session,
            registry.leader,
            vote_id,
            home,
            1,
            clock(),
            channel=BallotChannel.PROXY,
            photo_file_id="signed-ballot",
            proxy_name="李秀英（女儿）",
        )
    assert result.counted
    async with sessions() as session:
        ballot = await session.scalar(select(Ballot).where(Ballot.vote_id == vote_id))
    assert ballot is not None
    assert (ballot.entered_by, ballot.cast_by, ballot.proxy_name, ballot.photo_file_id) == (
        registry.leader.user_id,
        None,
        "李秀英（女儿）",
        "signed-ballot",
    )


async def test_a_second_ballot_on_paper_does_not_count_and_the_organizer_is_told(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    home = registry.households[30]
    async with sessions() as session, session.begin():
        first = await casting.cast(session, registry.resident(30), vote_id, home, 2, clock())
    async with sessions() as session, session.begin():
        second = await casting.enter(
            session,
            registry.leader,
            vote_id,
            home,
            1,
            clock(),
            channel=BallotChannel.PAPER,
            photo_file_id="p",
        )
    assert not second.counted
    assert (second.receipt, second.option_position) == (first.receipt, 2)
    async with sessions() as session:
        conflicts = list(
            await session.scalars(select(BallotConflict).where(BallotConflict.vote_id == vote_id))
        )
        notes = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "vote.conflict")
            )
        )
        result = await tally.live(session, registry.leader, vote_id)
    assert [(c.household_id, c.channel) for c in conflicts] == [(home, BallotChannel.PAPER)]
    assert [(n.user_id, n.payload["room"], n.payload["same_choice"]) for n in notes] == [
        (registry.leader.user_id, "1号楼-1单元-161", False)
    ]
    assert [(o.position, o.heads) for o in result.options] == [(1, 0), (2, 1)]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"options": [OptionDraft("只有一个")]}, BadOptions),
        ({"options": [OptionDraft("方案一"), OptionDraft("  ")]}, BadOptions),
        (
            {"options": [OptionDraft("方案一", rate="abc", parking_fee="40"), OptionDraft("二")]},
            BadOptionPlan,
        ),
        ({"matter": 10}, BadMatter),
        ({"buildings": ["9号楼"]}, UnknownBuildings),
        ({"closes_at": "past"}, CloseInPast),
    ],
)
async def test_bad_drafts_are_refused_and_nothing_is_written(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    change: dict[str, object],
    error: type[DomainError],
) -> None:
    base = plan_draft(clock() + timedelta(days=7))
    fields = {**base.__dict__, **change}
    if fields["closes_at"] == "past":
        fields["closes_at"] = clock() - timedelta(minutes=1)
    with pytest.raises(error):
        async with sessions() as session, session.begin():
            await drafting.create(
                session, registry.leader, registry.courtyard_id, VoteDraft(**fields), now=clock()
            )  # type: ignore[arg-type]
    async with sessions() as session:
        assert await session.scalar(select(func.count(Vote.id))) == 0


async def test_refused_ballots_change_nothing(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    draft = plan_draft(clock() + timedelta(days=2), buildings=["1号楼"])
    vote_id = await open_plan_vote(sessions, registry, clock, policy, draft)
    cases: list[tuple[Actor, int, type[DomainError]]] = [
        (registry.tenant(0), registry.households[0], OwnersOnly),  # a tenant in an Art. 278 matter
        (registry.resident(120), registry.households[120], NotEligible),  # 3号楼: outside the scope
        (registry.resident(1), registry.households[2], NotEligible),  # not their home
    ]
    for actor, home, error in cases:
        with pytest.raises(error):
            async with sessions() as session, session.begin():
                await casting.cast(session, actor, vote_id, home, 1, clock())
    with pytest.raises(VoteFrozen):
        async with sessions() as session, session.begin():
            await drafting.edit_text(
                session, registry.leader, vote_id, title="改一下", text="", now=clock()
            )
    clock.advance(days=2)
    with pytest.raises(VoteClosed):
        async with sessions() as session, session.begin():
            await casting.cast(
                session, registry.resident(1), vote_id, registry.households[1], 1, clock()
            )
    assert await count(sessions, Ballot, vote_id) == 0


async def test_permissions(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    resident = registry.resident(5)
    with pytest.raises(NotAllowed):
        async with sessions() as session, session.begin():
            await drafting.create(
                session,
                resident,
                registry.courtyard_id,
                plan_draft(clock() + timedelta(days=1)),
                now=clock(),
            )
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    for call in (
        lambda s: tally.live(s, resident, vote_id),
        lambda s: tally.non_voters(s, resident, vote_id),
        lambda s: casting.enter(
            s,
            resident,
            vote_id,
            registry.households[5],
            1,
            clock(),
            channel=BallotChannel.PAPER,
            photo_file_id="x",
        ),
        # closing early is the service center's: not the grid leader's
        lambda s: closing.close_early(s, registry.leader, vote_id, "有异议", clock(), policy),
        lambda s: closing.cancel(s, registry.leader, vote_id, "有异议", clock()),
    ):
        with pytest.raises(NotAllowed):
            async with sessions() as session, session.begin():
                await call(session)
    with pytest.raises(ReasonRequired):
        async with sessions() as session, session.begin():
            await closing.close_early(session, registry.admin, vote_id, "  ", clock(), policy)
    async with sessions() as session, session.begin():
        await closing.close_early(
            session, registry.admin, vote_id, "街道通知提前结束", clock(), policy
        )
    async with sessions() as session:
        vote = await session.get(Vote, vote_id)
    assert vote is not None
    assert (vote.status, vote.close_reason) == (VoteStatus.CLOSED, "街道通知提前结束")


async def test_a_hundred_taps_of_one_household_at_once_make_one_ballot(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    voter = registry.resident(42)
    home = registry.households[42]

    async def tap(position: int) -> str:
        try:
            async with sessions() as session, session.begin():
                result = await casting.cast(session, voter, vote_id, home, position, clock())
            return "counted" if result.counted else "conflict"
        except AlreadyVoted:
            return "already"

    answers = await asyncio.gather(*(tap(1 + i % 2) for i in range(100)))

    assert sorted(set(answers)) == ["already", "counted"]
    assert answers.count("counted") == 1
    assert await count(sessions, Ballot, vote_id) == 1
    assert await count(sessions, BallotConflict, vote_id) == 0
