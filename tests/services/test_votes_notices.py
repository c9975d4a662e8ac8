"""What a vote tells people: the announcement and the group card at opening, the card's
debounced edits, reminders only to households that have not voted (each stage once), the
close at the deadline with the result to everyone, the objection period, adopting the plan,
and each household's price."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from votes_data import Registry, open_plan_vote, paper_ballots, seed_registry

from models import FeePlan, GroupKind, OutboxMessage, OutboxStatus, Vote, VoteAdoption, VoteStatus
from services import courtyards, roles
from services.access import Grant, Role
from services.clock import FixedClock
from services.policy import Policy
from services.votes import adoption, closing, notices, prices
from services.votes.errors import AlreadyAdopted, NoPlanToAdopt

GROUP = -100777


@pytest.fixture
async def registry(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> Registry:
    found = await seed_registry(sessions, clock(), count=30)
    async with sessions() as session, session.begin():
        await courtyards.link_group(
            session,
            found.leader,
            chat_id=GROUP,
            title="纬三路13号院居民群",
            courtyard_id=found.courtyard_id,
            kind=GroupKind.RESIDENTS,
            now=clock(),
        )
    return found


async def rows(sessions: async_sessionmaker[AsyncSession], kind: str) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


async def test_opening_tells_every_member_and_puts_a_card_in_the_group(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    await open_plan_vote(sessions, registry, clock, policy)
    announced = await rows(sessions, "vote.announced")
    assert {r.user_id for r in announced} == set(registry.residents) | set(registry.tenants)
    cards = await rows(sessions, "vote.card")
    assert [(c.chat_id, c.payload["participation"]["heads"]) for c in cards] == [(GROUP, 0)]
    assert all(r.user_id is None for r in cards)


async def test_group_card_edits_are_debounced_and_show_participation_only(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await paper_ballots(sessions, registry, vote_id, [(0, 1), (1, 2)], clock())
    async with sessions() as session, session.begin():
        # not sent yet: the waiting card itself gets the new figures
        assert await notices.refresh_cards(session, clock() + timedelta(seconds=11)) == 1
    (card,) = await rows(sessions, "vote.card")
    assert card.payload["participation"]["heads"] == 2
    assert "options" not in card.payload
    async with sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == card.id)
            .values(status=OutboxStatus.SENT, telegram_message_id=321)
        )
    await paper_ballots(sessions, registry, vote_id, [(2, 1)], clock())
    clock.advance(seconds=30)
    async with sessions() as session, session.begin():
        assert await notices.refresh_cards(session, clock()) == 1
    await paper_ballots(sessions, registry, vote_id, [(3, 1)], clock())
    async with sessions() as session, session.begin():
        assert await notices.refresh_cards(session, clock() + timedelta(seconds=3)) == 0
        assert await notices.refresh_cards(session, clock() + timedelta(seconds=11)) == 1
    edits = [r for r in await rows(sessions, "vote.card") if r.id != card.id]
    assert [
        (e.chat_id, e.payload["edit_message_id"], e.payload["participation"]["heads"])
        for e in edits
    ] == [
        (GROUP, 321, 3),
        (GROUP, 321, 4),
    ]


async def test_reminders_go_only_to_households_that_have_not_voted_each_stage_once(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)  # closes in 7 days
    await paper_ballots(sessions, registry, vote_id, [(i, 2) for i in range(20)], clock())
    async with sessions() as session, session.begin():
        assert await notices.remind(session, clock() + timedelta(days=3), policy) == 0
    stages = [
        (timedelta(days=4, hours=1), "3d"),
        (timedelta(days=6, hours=1), "1d"),
        (timedelta(days=6, hours=18, minutes=5), "6h"),
    ]
    waiting = set(registry.residents[20:])  # the tenants live in households 0-4, which voted
    for step, (offset, stage) in enumerate(stages):
        async with sessions() as session, session.begin():
            assert await notices.remind(session, clock() + offset, policy) == len(waiting)
        async with sessions() as session, session.begin():
            assert (
                await notices.remind(session, clock() + offset + timedelta(minutes=5), policy) == 0
            )
        sent = [r for r in await rows(sessions, "vote.reminder") if r.payload["stage"] == stage]
        assert {r.user_id for r in sent} == waiting
        # one more household votes on paper: the next stage passes it by
        await paper_ballots(sessions, registry, vote_id, [(20 + step, 1)], clock())
        waiting.discard(registry.residents[20 + step])
    async with sessions() as session, session.begin():
        assert await notices.remind(session, clock() + timedelta(days=7), policy) == 0


async def test_the_deadline_closes_tells_everyone_and_the_result_becomes_final(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await paper_ballots(sessions, registry, vote_id, [(i, 2) for i in range(21)], clock())
    async with sessions() as session, session.begin():
        assert await closing.close_due(session, clock() + timedelta(days=6), policy) == []
    clock.advance(days=7)
    async with sessions() as session, session.begin():
        assert await closing.close_due(session, clock(), policy) == [vote_id]
    async with sessions() as session, session.begin():
        assert await closing.close_due(session, clock(), policy) == []
    results = await rows(sessions, "vote.result")
    assert len(results) == 1 + 30 + 5  # the group, every owner, the tenants
    assert {r.payload["outcome"] for r in results} == {"passed"}
    assert {r.payload["winner"] for r in results} == {2}
    async with sessions() as session, session.begin():
        assert await closing.finalize_due(session, clock() + timedelta(days=6)) == []
        assert await closing.finalize_due(session, clock() + timedelta(days=7)) == [vote_id]
        vote = await session.get(Vote, vote_id)
        assert vote is not None
        assert vote.status is VoteStatus.FINAL


async def test_finance_adopts_the_winning_plan_linked_to_the_vote(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await paper_ballots(sessions, registry, vote_id, [(i, 2) for i in range(21)], clock())
    async with sessions() as session, session.begin():
        user = await roles.user_by_telegram_id(session, 6001, clock(), create=True)
        await roles.grant(session, user, Role.FINANCE, registry.courtyard_id, clock(), tell=False)
    from services.access import Actor

    finance = Actor(
        user_id=user.id, name="财务", grants=frozenset({Grant(Role.FINANCE, registry.courtyard_id)})
    )
    with pytest.raises(NoPlanToAdopt):  # still open
        async with sessions() as session, session.begin():
            await adoption.adopt(session, finance, vote_id, from_period="2027-01", now=clock())
    clock.advance(days=7)
    async with sessions() as session, session.begin():
        await closing.close_due(session, clock(), policy)
    async with sessions() as session, session.begin():
        plan = await adoption.adopt(session, finance, vote_id, from_period="2027-01", now=clock())
    assert (plan.rate_per_m2, plan.parking_fee_fen, plan.from_period) == (5500, 8000, "2027-01")
    with pytest.raises(AlreadyAdopted):
        async with sessions() as session, session.begin():
            await adoption.adopt(session, finance, vote_id, from_period="2027-02", now=clock())
    async with sessions() as session:
        link = await session.scalar(select(VoteAdoption).where(VoteAdoption.vote_id == vote_id))
        stored = await session.get(FeePlan, plan.id)
    assert link is not None
    assert link.fee_plan_id == plan.id
    assert stored is not None
    assert stored.name.startswith("方案二")


def test_each_household_sees_its_own_price_for_each_plan() -> None:
    # 78.50 m² × 0.45 + 1 space × 40 = 35.325 + 40 → ¥75.33; × 0.55 + 80 = 43.175 + 80 → ¥123.18
    lines = prices.for_household([(1, 4500, 4000), (2, 5500, 8000), (3, None, None)], 7850, 1)
    assert [(p.position, p.monthly_fen, p.more_than_first_fen) for p in lines] == [
        (1, 7533, None),
        (2, 12318, 4785),
    ]
    assert prices.monthly_fen(10000, 5000, 0, 4000) == 5000


async def test_a_vote_set_to_open_later_is_opened_and_announced_by_the_sweep(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    from votes_data import plan_draft

    from services.votes import drafting, sweeps

    draft = plan_draft(clock() + timedelta(days=7), opens_at=clock() + timedelta(hours=2))
    async with sessions() as session, session.begin():
        vote_id = await drafting.create(
            session, registry.leader, registry.courtyard_id, draft, now=clock()
        )
    async with sessions() as session, session.begin():
        assert await sweeps.close(session, clock() + timedelta(hours=1), policy) == 0
    assert await rows(sessions, "vote.announced") == []
    async with sessions() as session, session.begin():
        assert await sweeps.close(session, clock() + timedelta(hours=2), policy) > 0
    async with sessions() as session:
        vote = await session.get(Vote, vote_id)
    assert vote is not None
    assert (vote.status, vote.total_heads) == (VoteStatus.OPEN, 30)
    assert len(await rows(sessions, "vote.announced")) == 35


async def test_households_nobody_can_reach_go_on_the_visit_list_until_they_vote(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    from models import Membership, VisitTask

    offline = registry.households[25:30]
    async with sessions() as session, session.begin():
        await session.execute(
            update(Membership).where(Membership.household_id.in_(offline)).values(status="revoked")
        )
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await paper_ballots(sessions, registry, vote_id, [(25, 1)], clock())

    async with sessions() as session:
        tasks = list(await session.scalars(select(VisitTask).where(VisitTask.kind == "vote")))
    assert {t.household_id for t in tasks} == set(offline)
    assert {t.household_id for t in tasks if t.done_at is None} == set(offline[1:])
    clock.advance(days=7)
    async with sessions() as session, session.begin():
        await closing.close_due(session, clock(), policy)
    async with sessions() as session:
        still = list(await session.scalars(select(VisitTask).where(VisitTask.done_at.is_(None))))
    assert still == []
