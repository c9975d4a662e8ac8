"""Votes as the people involved see them: a resident opens the ballot from the announcement,
sees each plan's price for her home, confirms and gets a receipt; a second ballot and one after
the close are refused; the group card only shows participation and its 🗳 opens the private
chat; a tenant is told why he cannot vote on an Art. 278 matter; a grid leader creates a vote
step by step and enters a paper ballot with its photo."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, SendMessage, SendPhoto
from harness import World
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from votes_data import (
    ADMIN_TG,
    LEADER_TG,
    RESIDENT_TG,
    TENANT_TG,
    Registry,
    open_plan_vote,
    paper_ballots,
    seed_registry,
)

from models import Ballot, BallotChannel, GroupKind, Vote
from services import courtyards
from services.clock import FixedClock
from services.policy import Policy
from services.votes import sweeps

pytestmark = pytest.mark.english
GROUP = -100555


@pytest.fixture
async def registry(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> Registry:
    found = await seed_registry(sessions, clock(), count=30)
    async with sessions() as session, session.begin():
        await courtyards.link_group(
            session,
            found.leader,
            chat_id=GROUP,
            title="居民群",
            courtyard_id=found.courtyard_id,
            kind=GroupKind.RESIDENTS,
            now=clock(),
        )
    return found


async def test_a_resident_votes_with_her_own_prices_and_gets_a_receipt(
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    resident = world.person("王阿姨", RESIDENT_TG, "en")  # household 0: 52.3 m², 1 parking space
    leader = world.person("李网格长", LEADER_TG, "en")
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await world.deliver()
    assert "A vote for your household: 物业服务方案选择" in resident.last_message()
    group = world.group(GROUP, "居民群")
    card = leader.last_message(group)
    assert "Voted so far: 0 of 30 households" in card
    assert leader.buttons(group) == ["🗳 Vote in private"]

    await resident.taps("🗳 Vote now")
    ballot = resident.last_message()
    assert "Your home: 1号楼-1单元-011, 52.3 m²" in ballot
    # 52.3 × 0.45 + 40 = 63.535 → ¥63.54;  52.3 × 0.55 + 80 = 108.765 → ¥108.77
    assert "¥63.54 a month (52.3 m² × 0.45 + 1 parking space × 40)" in ballot
    assert (
        "¥108.77 a month (52.3 m² × 0.55 + 1 parking space × 80), ¥45.23 more than option 1"
        in ballot
    )
    assert "Includes: 24 小时门卫" in ballot
    await resident.taps("2. 方案二：含 24 小时门卫")
    assert "You chose <b>2. 方案二：含 24 小时门卫</b>" in resident.last_message()
    assert "cannot be changed once cast" in resident.last_message()
    late = resident.tap_update("✅ Cast my ballot")
    await resident.taps("✅ Cast my ballot")
    receipt = resident.last_message()
    assert "Your ballot is cast" in receipt
    assert "Receipt: <b>" in receipt
    await world.feed(late)
    assert "already voted" in (resident.alerts() or [resident.last_message()])[-1]
    async with sessions() as session:
        ballots = list(await session.scalars(select(Ballot).where(Ballot.vote_id == vote_id)))
    assert [(b.option_id is not None, b.channel) for b in ballots] == [(True, BallotChannel.ONLINE)]

    # the group card changes on the next sweep, with participation only
    clock.advance(seconds=30)
    async with sessions() as session, session.begin():
        await sweeps.cards(session, clock(), policy)
    await world.deliver()
    card = leader.last_message(group)
    assert "Voted so far: 1 of 30 households" in card
    assert "方案二" not in card

    # the 🗳 in the group answers with a link into the private chat
    await leader.taps("🗳 Vote in private", chat=group)
    answers = [
        r.method for r in world.telegram.requests if isinstance(r.method, AnswerCallbackQuery)
    ]
    assert (
        answers[-1].url == f"https://t.me/{world.dispatcher['bot_username']}?start=vote-{vote_id}"
    )

    neighbour = world.person("赵大爷", RESIDENT_TG + 1, "en")
    await neighbour.sends(f"/start vote-{vote_id}")
    assert "Your home: 1号楼-2单元-012" in neighbour.last_message()

    clock.advance(days=7, minutes=1)
    async with sessions() as session, session.begin():
        await sweeps.close(session, clock(), policy)
    await world.deliver()
    assert "Result of the vote" in resident.last_message()
    assert "Result of the vote" in leader.last_message(group)
    photos = [r for r in world.telegram.requests if isinstance(r.method, SendPhoto)]
    assert [r.chat_id for r in photos] == [GROUP]  # the chart, to the group only
    assert "Vote closed" in leader.texts(group)[0]  # the card says so
    await neighbour.taps("1. 方案一：基础服务")
    assert "closed" in (neighbour.alerts() or [neighbour.last_message()])[-1]


async def test_a_tenant_is_told_only_the_owner_votes_on_an_art_278_matter(
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    tenant = world.person("小刘", TENANT_TG, "en")
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await world.deliver()
    await tenant.sends(f"/start vote-{vote_id}")
    assert "only the owner of the home may cast its ballot" in tenant.last_message()


async def test_a_grid_leader_creates_a_vote_step_by_step(
    world: World, sessions: async_sessionmaker[AsyncSession], registry: Registry, clock: FixedClock
) -> None:
    leader = world.person("李网格长", LEADER_TG, "en")
    resident = world.person("王阿姨", RESIDENT_TG, "en")
    await leader.sends("/newvote")
    assert "What is it about?" in leader.last_message()
    await leader.sends("物业服务方案选择")
    await leader.taps("Skip")
    assert "Option 1" in leader.last_message()
    await leader.sends("方案一：基础服务")
    await leader.taps("Yes, with a price")
    await leader.sends("0.45")
    await leader.sends("40")
    await leader.taps("Skip")
    assert "Option 2" in leader.last_message()
    await leader.sends("方案二：含 24 小时门卫")
    await leader.taps("Yes, with a price")
    await leader.sends("0.55元")
    await leader.sends("abc")
    assert "40" in leader.last_message() or "parking" in leader.last_message()
    await leader.sends("80")
    await leader.sends("24 小时门卫")
    assert leader.buttons() == ["➕ Another option", "✅ Options done"]
    await leader.taps("✅ Options done")
    await leader.taps("🏘 The whole courtyard")
    await leader.taps("4. Hiring or dismissing the property service provider")
    await leader.taps("7 days")
    preview = leader.last_message()
    assert "cannot be changed" in preview
    assert (
        "2. 方案二：含 24 小时门卫 · ¥0.55 per m², ¥80.00 per parking space a month · 24 小时门卫"
        in preview
    )
    assert "matter 4" in preview
    await leader.taps("✅ Open the vote")
    assert "Vote #1 is open: 30 voters" in leader.last_message()
    async with sessions() as session:
        vote = await session.scalar(select(Vote))
    assert vote is not None
    assert (vote.matter, vote.status.value, vote.total_heads) == (4, "open", 30)
    await world.deliver()
    assert "A vote for your household" in resident.last_message()


async def test_a_grid_leader_enters_a_paper_ballot_with_its_photo_and_follows_the_count(
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    leader = world.person("李网格长", LEADER_TG, "en")
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await world.deliver()
    await leader.sends("/votes")
    await leader.taps(f"#{vote_id} 物业服务方案选择 (open)")
    live = leader.last_message()
    assert "Took part: 0 of 30 households (0.0%), needs at least 2/3" in live
    assert "Still needed to take part: 20 households" in live
    await leader.taps("📝 Enter a paper ballot")
    await leader.taps("1号楼")
    await leader.taps("1单元")
    await leader.taps("021")
    await leader.taps("📝 Paper ballot")
    await leader.taps("2. 方案二：含 24 小时门卫")
    assert "photo of the signed ballot" in leader.last_message()
    await leader.sends_photo("signed-ballot-021")
    assert "Ballot of 1号楼-1单元-021 recorded: option 2" in leader.last_message()
    async with sessions() as session:
        ballot = await session.scalar(select(Ballot))
    assert ballot is not None
    assert (ballot.channel, ballot.photo_file_id) == (BallotChannel.PAPER, "signed-ballot-021")
    await leader.sends("/votes")
    await leader.taps(f"#{vote_id} 物业服务方案选择 (open)")
    assert "Took part: 1 of 30 households (3.3%)" in leader.last_message()
    await leader.taps("🚪 Not voted yet")
    waiting = leader.last_message()
    assert "29 households" in waiting
    assert "1号楼-1单元-021" not in waiting
    assert "业主000" in waiting  # for the grid leader's door-knocking, in private


async def test_an_admin_closes_early_with_a_reason_and_finance_adopts_the_plan(
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    from services import roles
    from services.access import Role

    async with sessions() as session, session.begin():
        clerk = await roles.user_by_telegram_id(session, 6001, clock(), create=True)
        await roles.grant(session, clerk, Role.FINANCE, registry.courtyard_id, clock(), tell=False)
    admin = world.person("服务中心", ADMIN_TG, "en")
    finance = world.person("财务小张", 6001, "en")
    leader = world.person("李网格长", LEADER_TG, "en")
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await paper_ballots(sessions, registry, vote_id, [(i, 2) for i in range(27)], clock())
    await world.deliver()

    await leader.sends("/votes")
    await leader.taps(f"#{vote_id} 物业服务方案选择 (open)")
    assert "⏹ Close early" not in leader.buttons()  # the service center's, not the leader's
    await admin.sends("/votes")
    await admin.taps(f"#{vote_id} 物业服务方案选择 (open)")
    await admin.taps("⏹ Close early")
    assert "type the reason" in admin.last_message()
    await admin.sends("全体业主已投票")
    assert "物业服务方案选择 is closed: passed" in admin.last_message()

    await finance.sends(f"/adopt {vote_id} 2027-01")
    assert "✅ Plan 方案二：含 24 小时门卫 is the courtyard's fee plan from 2027-01" in (
        finance.last_message()
    )
    assert "¥0.55 per m², ¥80.00 per parking space" in finance.last_message()
    await leader.sends(f"/adopt {vote_id} 2027-02")
    assert leader.last_message() == "Sorry, only finance can do this."


async def test_a_ballot_stands_when_its_receipt_meets_telegrams_limit(
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
) -> None:
    """Under load the answer to ✅ can meet a 429 for longer than a reply waits: the ballot is
    committed before replies go, so it stands, and opening the vote again shows its receipt."""
    resident = world.person("王阿姨", RESIDENT_TG, "en")
    vote_id = await open_plan_vote(sessions, registry, clock, policy)
    await world.deliver()

    def receipt_to_her(method: object) -> bool:
        return (
            isinstance(method, SendMessage)
            and method.chat_id == RESIDENT_TG
            and "Your ballot is cast" in method.text
        )

    world.telegram.fail_once(
        receipt_to_her,
        TelegramRetryAfter(
            method=SendMessage(chat_id=RESIDENT_TG, text="x"),
            message="Too Many Requests: retry after 60",
            retry_after=60,  # longer than a reply waits: the answer gives up at once
        ),
    )
    await resident.taps("🗳 Vote now")
    await resident.taps("1. 方案一：基础服务")
    await resident.taps("✅ Cast my ballot")
    assert "Your ballot is cast" not in resident.last_message()  # the receipt did not come
    async with sessions() as session:
        ballots = list(await session.scalars(select(Ballot).where(Ballot.vote_id == vote_id)))
    assert len(ballots) == 1  # but the ballot is in the store
    await resident.sends(f"/start vote-{vote_id}")
    code = ballots[0].receipt_code
    assert f"already voted (receipt {code[:3]}-{code[3:]})" in resident.last_message()
