"""✅ 收到: one per person, counted per household; the author's counts; after the deadline the
households that did not confirm, and the one reminder that goes only to them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import SendMessage
from harness import World
from notices_data import BLOCKED_ID, DAUGHTER_ID, NoticePeople, seed_notice_people
from notices_flow import events_of, rows, send, sweep
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID
from tickets_data import NEIGHBOUR_ID, RESIDENT_ID, TWO_HOMES_ID, actor

from services.clock import FixedClock
from services.errors import Stale
from services.notices import acks, reading
from services.notices.compose import Draft
from services.notices.errors import (
    AlreadyAcknowledged,
    AlreadyReminded,
    DeadlineNotPassed,
    NotForYou,
    NotYourNotice,
)
from services.policy import Policy


@pytest.fixture
async def folks(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> NoticePeople:
    return await seed_notice_people(sessions, clock(), yard["id"])


async def water_cut(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> int:
    """停水通知 to 2号楼, to confirm within a day; out after the grace."""
    leader = await actor(sessions, LEADER_ID)
    draft = Draft(
        courtyard_ids=(folks.courtyard_id,),
        text="停水通知：明天9:00-17:00停水。",
        buildings=frozenset({"2号楼"}),
        needs_ack=True,
        ack_deadline=clock() + timedelta(days=1),
    )
    done = await send(sessions, leader, draft, clock(), Policy())
    clock.advance(seconds=61)
    await sweep(sessions, clock(), Policy())
    return done.notice_ids[0]


async def ack(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, telegram_id: int, notice_id: int
) -> int:
    who = await actor(sessions, telegram_id)
    async with sessions() as session, session.begin():
        return await acks.acknowledge(session, who, notice_id, clock(), "private")


async def test_one_per_person_counted_per_household(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    notice_id = await water_cut(sessions, clock, folks)
    assert await ack(sessions, clock, RESIDENT_ID, notice_id) == 1
    with pytest.raises(AlreadyAcknowledged):
        await ack(sessions, clock, RESIDENT_ID, notice_id)
    assert await ack(sessions, clock, DAUGHTER_ID, notice_id) == 1  # the same household
    with pytest.raises(NotForYou):  # 赵大爷 lives in 1号楼
        await ack(sessions, clock, NEIGHBOUR_ID, notice_id)
    # 孙先生's 602 is in 2号楼 (his 201 is in 1号楼): one household
    assert await ack(sessions, clock, TWO_HOMES_ID, notice_id) == 1
    async with sessions() as session:
        view = await reading.for_author(
            session, await actor(sessions, LEADER_ID), notice_id, clock()
        )
    counts = view.counts
    assert (counts.households, counts.acknowledged_households, counts.acknowledged_people) == (
        24,
        2,
        3,
    )
    assert not view.deadline_passed
    assert view.missing == ()  # the list is shown only after the deadline
    actions = [e for e in await events_of(sessions, notice_id) if e[0] == "acknowledged"]
    assert len(actions) == 3
    assert all(
        channel == "telegram" and data["where"] == "private" for _a, channel, data in actions
    )


async def test_before_it_goes_out_nobody_can_confirm(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    leader = await actor(sessions, LEADER_ID)
    draft = Draft(courtyard_ids=(folks.courtyard_id,), text="停水", needs_ack=True)
    done = await send(sessions, leader, draft, clock(), Policy())
    with pytest.raises(Stale):
        await ack(sessions, clock, RESIDENT_ID, done.notice_ids[0])


async def test_after_the_deadline_remind_only_those_who_did_not_once(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    notice_id = await water_cut(sessions, clock, folks)
    await world.deliver_all()
    await ack(sessions, clock, DAUGHTER_ID, notice_id)  # 501 confirmed (not 王阿姨 herself)
    leader = await actor(sessions, LEADER_ID)
    with pytest.raises(DeadlineNotPassed):
        async with sessions() as session, session.begin():
            await acks.remind(session, leader, notice_id, clock(), Policy())
    clock.advance(days=1)
    assert await sweep(sessions, clock(), Policy()) == 1  # the author is told, once
    assert await sweep(sessions, clock(), Policy()) == 0
    async with sessions() as session:
        view = await reading.for_author(session, leader, notice_id, clock())
    assert view.deadline_passed
    assert len(view.missing) == 23
    assert "2号楼-1单元-501" not in view.missing
    assert "2号楼-2单元-602" in view.missing
    with pytest.raises(NotYourNotice):
        async with sessions() as session, session.begin():
            await acks.remind(
                session, await actor(sessions, RESIDENT_ID), notice_id, clock(), Policy()
            )
    await world.deliver_all()  # the author's news of the deadline
    world.telegram.requests.clear()
    async with sessions() as session, session.begin():
        # 孙先生 (602) and 钱先生 (101, blocked: his row is written, and stops at the sender)
        assert await acks.remind(session, leader, notice_id, clock(), Policy()) == 2
    with pytest.raises(AlreadyReminded):
        async with sessions() as session, session.begin():
            await acks.remind(session, leader, notice_id, clock(), Policy())
    await world.deliver_all()
    reminded = [s.chat_id for s in world.telegram.requests if isinstance(s.method, SendMessage)]
    assert reminded == [TWO_HOMES_ID]  # not 王阿姨 (her household confirmed), not the blocked
    assert BLOCKED_ID not in reminded
    assert len(await rows(sessions, f"notice-remind:{notice_id}:")) == 2
    told = await rows(sessions, f"notice-deadline:{notice_id}")
    assert [r.user_id for r in told] == [folks.base.users[LEADER_ID]]


async def test_confirmed_in_the_group_leaves_the_visit_list(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    """钱先生 blocked the bot, so his household is on the visit list; he taps ✅ in the group."""
    from services import visits

    notice_id = await water_cut(sessions, clock, folks)
    async with sessions() as session:
        assert await visits.counts(session, "notice", str(notice_id)) == (22, 0)
    who = await actor(sessions, BLOCKED_ID)
    async with sessions() as session, session.begin():
        assert await acks.acknowledge(session, who, notice_id, clock(), "group") == 1
    async with sessions() as session:
        assert await visits.counts(session, "notice", str(notice_id)) == (21, 1)
