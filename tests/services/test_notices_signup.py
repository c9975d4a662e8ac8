"""A notice that carries an event: sending creates one gathering with the notice's id, scope
and words in the same transaction; only the notice's messages go out (with the 📅 报名
button), the gathering's own announcement does not; withdrawing in the grace calls both off;
bad times write nothing; events without a notice are still announced."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import SendMessage
from harness import World
from notices_data import RESIDENTS_GROUP, NoticePeople, seed_notice_people
from notices_flow import rows
from signups_data import bus_card_renewal, day_after
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, OTHER_LEADER_ID
from tickets_data import RESIDENT_ID, actor

from models import Gathering, GatheringSlot, GatheringStatus, Notice, NoticeStatus, OutboxMessage
from services.clock import FixedClock
from services.notices import compose, lifecycle, signup
from services.notices.compose import Draft
from services.notices.errors import EventOneCourtyardOnly
from services.policy import Policy
from services.signups.errors import InvalidSlots, SlotsInPast
from views.signups.callbacks import OpenGathering

TEXT = "公交卡年审\n65岁以上老人请带身份证和公交卡到社区活动室。"


@pytest.fixture
async def folks(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> NoticePeople:
    return await seed_notice_people(sessions, clock(), yard["id"])


async def send_with_event(
    sessions: async_sessionmaker[AsyncSession],
    courtyard_id: int,
    clock: FixedClock,
    slots: str = "9:00-11:00 每15分钟 5人",
) -> lifecycle.Scheduled:
    leader = await actor(sessions, LEADER_ID)
    policy = Policy()
    draft = Draft(courtyard_ids=(courtyard_id,), text=TEXT, buildings=frozenset({"2号楼"}))
    async with sessions() as session, session.begin():
        notices = await compose.save_draft(session, leader, draft, clock())
        plan = signup.plan(
            day_after(clock(), policy), "社区活动室", slots, clock(), policy.timezone
        )
        return await signup.send(session, leader, notices[0].id, clock(), policy, plan)


async def gatherings_of(sessions: async_sessionmaker[AsyncSession]) -> list[Gathering]:
    async with sessions() as session:
        return list(await session.scalars(select(Gathering).order_by(Gathering.id)))


async def test_one_gathering_of_the_notice_and_only_the_notice_goes_out(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    done = await send_with_event(sessions, folks.courtyard_id, clock)
    (gathering,) = await gatherings_of(sessions)
    assert gathering.notice_id == done.notice_ids[0]
    assert (gathering.buildings, gathering.units) == (["2号楼"], [])  # the notice's scope
    assert (gathering.title, gathering.description) == ("公交卡年审", TEXT)
    assert gathering.status is GatheringStatus.OPEN
    async with sessions() as session:
        slots = await session.scalar(
            select(func.count()).where(GatheringSlot.gathering_id == gathering.id)
        )
        kinds = (await session.scalars(select(OutboxMessage.kind).distinct())).all()
    assert slots == 8
    assert sorted(kinds) == ["notice.letter", "notice.post"]  # no signup.announced
    clock.advance(seconds=61)
    await world.deliver_all()
    sent = [r for r in world.telegram.requests if isinstance(r.method, SendMessage)]
    assert sorted(r.chat_id for r in sent if r.chat_id) == sorted(
        {r.chat_id for r in sent if r.chat_id}
    )  # one message per chat: the notice
    to_wang = next(r.method for r in sent if r.chat_id == RESIDENT_ID)
    assert isinstance(to_wang, SendMessage)
    assert "社区活动室" in to_wang.text
    markup = to_wang.reply_markup
    assert markup is not None
    (button,) = [b for row in markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert button.callback_data == OpenGathering(g=gathering.id, new=True).pack()
    to_group = next(r.method for r in sent if r.chat_id == RESIDENTS_GROUP)
    assert isinstance(to_group, SendMessage)
    group_button = to_group.reply_markup.inline_keyboard[0][0]  # type: ignore[union-attr]
    assert group_button.url == f"https://t.me/courtyard_test_bot?start=signup-{gathering.id}"


async def test_withdrawing_the_notice_calls_the_event_off(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    done = await send_with_event(sessions, folks.courtyard_id, clock)
    clock.advance(seconds=30)
    leader = await actor(sessions, LEADER_ID)
    async with sessions() as session, session.begin():
        await lifecycle.withdraw(session, leader, done.notice_ids[0], clock(), Policy())
    (gathering,) = await gatherings_of(sessions)
    assert gathering.status is GatheringStatus.CANCELLED
    async with sessions() as session:
        status = await session.scalar(select(Notice.status).where(Notice.id == done.notice_ids[0]))
    assert status is NoticeStatus.CANCELLED
    assert await rows(sessions, f"notice:{done.notice_ids[0]}:") == []
    clock.advance(seconds=60)
    await world.deliver_all()
    assert world.telegram.requests == []


async def test_bad_times_write_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    policy = Policy()
    with pytest.raises(InvalidSlots):
        signup.plan(day_after(clock(), policy), "社区活动室", "上午九点", clock(), policy.timezone)
    today = policy.local(clock()).date()
    with pytest.raises(SlotsInPast):
        signup.plan(today, "社区活动室", "0:00-0:30 5人", clock(), policy.timezone)
    assert await gatherings_of(sessions) == []


async def test_an_event_goes_with_a_notice_to_one_courtyard_only(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: NoticePeople,
    yard: dict[str, Any],
) -> None:
    from tests_data import seed_courtyard

    other = (
        await seed_courtyard(sessions, clock(), "都市A座", code="DSA", leader_id=OTHER_LEADER_ID)
    )["id"]
    admin = await actor(sessions, ADMIN_ID)
    assert not signup.may_carry(admin, (folks.courtyard_id, other))
    assert signup.may_carry(admin, (folks.courtyard_id,))
    policy = Policy()
    plan = signup.plan(
        day_after(clock(), policy), "活动室", "9:00-10:00 5人", clock(), policy.timezone
    )
    async with sessions() as session:
        draft = Draft(courtyard_ids=(folks.courtyard_id, other), text=TEXT)
        notices = await compose.save_draft(session, admin, draft, clock())
        with pytest.raises(EventOneCourtyardOnly):
            await signup.send(session, admin, notices[0].id, clock(), policy, plan)
        await session.rollback()
    assert await gatherings_of(sessions) == []


async def test_an_event_without_a_notice_is_still_announced(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    leader = await actor(sessions, LEADER_ID)
    await bus_card_renewal(sessions, leader, folks.courtyard_id, clock(), Policy())
    async with sessions() as session:
        kinds = (await session.scalars(select(OutboxMessage.kind).distinct())).all()
    assert list(kinds) == ["signup.announced"]
