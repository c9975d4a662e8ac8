"""Sending a notice: scope resolution (buildings, units, several courtyards for an admin), the
grace and withdrawing in it, group + private delivery through the outbox, urgent notices
pinned and never waiting for the morning, and the households told in person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.methods import PinChatMessage, SendMessage, SendPhoto
from aiogram.utils.i18n import I18n
from harness import World
from notices_data import BLOCKED_ID, DAUGHTER_ID, RESIDENTS_GROUP, NoticePeople, seed_notice_people
from notices_flow import events_of, notice, rows, send, sweep
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, OTHER_LEADER_ID
from tickets_data import NEIGHBOUR_ID, RESIDENT_ID, TWO_HOMES_ID, actor

from models import AttachmentKind, NoticeStatus, OutboxStatus
from services import visits
from services.clock import FixedClock
from services.errors import NotAllowed
from services.notices import compose
from services.notices.compose import Attachment, Draft
from services.notices.errors import EmptyScope, OneCourtyardOnly
from services.policy import Policy


@pytest.fixture
async def folks(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> NoticePeople:
    return await seed_notice_people(sessions, clock(), yard["id"])


def two_buildings(courtyard_id: int, **extra: Any) -> Draft:
    return Draft(courtyard_ids=(courtyard_id,), text="明天9:00-17:00停水，请提前储水。", **extra)


def telegram_ids(world: World, method: type) -> list[int]:
    return [
        s.chat_id for s in world.telegram.requests if isinstance(s.method, method) and s.chat_id
    ]


async def test_building_scope_reaches_its_members_and_the_group(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    leader = await actor(sessions, LEADER_ID)
    done = await send(
        sessions,
        leader,
        two_buildings(folks.courtyard_id, buildings=frozenset({"2号楼"})),
        clock(),
        Policy(),
    )
    # 2号楼: 王阿姨 and her daughter-in-law (501), 孙先生 (602), 钱先生 who blocked the bot (101)
    assert (done.people, done.groups, done.households) == (4, 1, 24)
    # 22 of 24 households: nobody reachable (钱先生 blocked the bot; the rest have nobody)
    assert done.unreachable == 22
    written = await rows(sessions, f"notice:{done.notice_ids[0]}:")
    assert all(r.not_before == clock() + compose.GRACE for r in written)
    assert await world.deliver() == 0  # the grace: nothing goes before it is over
    clock.advance(seconds=61)
    await world.deliver_all()
    assert sorted(telegram_ids(world, SendMessage)) == sorted(
        [RESIDENT_ID, DAUGHTER_ID, TWO_HOMES_ID, RESIDENTS_GROUP]
    )
    assert NEIGHBOUR_ID not in telegram_ids(world, SendMessage)  # 1号楼
    statuses = sorted(r.status.value for r in await rows(sessions, f"notice:{done.notice_ids[0]}:"))
    assert statuses == ["blocked", "sent", "sent", "sent", "sent"]
    assert BLOCKED_ID not in world.telegram.chats


async def test_unit_scope_and_the_told_in_person_list(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    leader = await actor(sessions, LEADER_ID)
    draft = two_buildings(folks.courtyard_id, units=frozenset({("1号楼", "1单元")}))
    done = await send(sessions, leader, draft, clock(), Policy())
    assert (done.people, done.households) == (1, 12)  # only 赵大爷 in 1号楼 1单元
    notice_id = done.notice_ids[0]
    assert await sweep(sessions, clock(), Policy()) == 0
    assert (await notice(sessions, notice_id)).status is NoticeStatus.SCHEDULED
    clock.advance(seconds=61)
    await sweep(sessions, clock(), Policy())
    sent = await notice(sessions, notice_id)
    assert sent.status is NoticeStatus.SENT
    async with sessions() as session:
        waiting, told = await visits.counts(session, "notice", str(notice_id))
    assert (waiting, told) == (11, 0)  # every household of the unit but 赵大爷's, 冯奶奶's too
    await sweep(sessions, clock(), Policy())  # again: nothing more
    async with sessions() as session:
        assert await visits.counts(session, "notice", str(notice_id)) == (11, 0)
    assert [e[0] for e in await events_of(sessions, notice_id)] == ["drafted", "scheduled", "sent"]


async def test_admin_sends_to_several_courtyards_one_row_each(
    world: World,
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: NoticePeople,
    other_yard: dict[str, Any],
) -> None:
    admin = await actor(sessions, ADMIN_ID)
    draft = Draft(courtyard_ids=(folks.courtyard_id, other_yard["id"]), text="元旦放假安排")
    done = await send(sessions, admin, draft, clock(), Policy())
    assert len(done.notice_ids) == 2
    assert done.households == 96
    first, second = [await notice(sessions, i) for i in done.notice_ids]
    assert first.batch == second.batch
    assert {first.courtyard_id, second.courtyard_id} == {folks.courtyard_id, other_yard["id"]}
    with pytest.raises(OneCourtyardOnly):
        async with sessions() as session:
            await compose.check(
                session,
                admin,
                Draft(courtyard_ids=draft.courtyard_ids, text="x", buildings=frozenset({"1号楼"})),
                clock(),
            )


async def test_who_may_send_where(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: NoticePeople,
    other_yard: dict[str, Any],
) -> None:
    resident = await actor(sessions, RESIDENT_ID)
    other_leader = await actor(sessions, OTHER_LEADER_ID)
    leader = await actor(sessions, LEADER_ID)
    admin = await actor(sessions, ADMIN_ID)
    for who in (resident, other_leader):
        with pytest.raises(NotAllowed):
            async with sessions() as session:
                await compose.save_draft(session, who, two_buildings(folks.courtyard_id), clock())
    async with sessions() as session:
        assert await compose.courtyards_for(session, other_leader) == [
            (other_yard["id"], "都市A座")
        ]
        assert len(await compose.courtyards_for(session, admin)) == 2
    with pytest.raises(NotAllowed):
        async with sessions() as session:
            await compose.courtyards_for(session, resident)
    with pytest.raises(EmptyScope):
        async with sessions() as session:
            await compose.check(
                session,
                leader,
                two_buildings(folks.courtyard_id, buildings=frozenset({"9号楼"})),
                clock(),
            )


async def test_withdrawn_in_the_grace_nothing_goes_out(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    from services.notices import lifecycle
    from services.notices.errors import TooLateToWithdraw

    leader = await actor(sessions, LEADER_ID)
    done = await send(sessions, leader, two_buildings(folks.courtyard_id), clock(), Policy())
    assert done.people == 5  # 孙先生 has two homes: one letter
    clock.advance(seconds=30)
    async with sessions() as session, session.begin():
        assert await lifecycle.withdraw(session, leader, done.notice_ids[0], clock()) == 6
    clock.advance(seconds=60)
    await world.deliver_all()
    assert world.telegram.requests == []
    assert (await notice(sessions, done.notice_ids[0])).status is NoticeStatus.CANCELLED
    second = await send(sessions, leader, two_buildings(folks.courtyard_id), clock(), Policy())
    clock.advance(seconds=61)
    with pytest.raises(TooLateToWithdraw):
        async with sessions() as session, session.begin():
            await lifecycle.withdraw(session, leader, second.notice_ids[0], clock())
    assert len(await rows(sessions, f"notice:{second.notice_ids[0]}:")) == 6


# 22:30 in Zhengzhou: quiet hours (21:00-08:00)
NIGHT = datetime(2026, 11, 28, 14, 30, tzinfo=UTC)
MORNING = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)  # 08:00 local


async def test_normal_waits_for_the_morning_urgent_goes_now_and_is_pinned(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    clock.now = NIGHT
    leader = await actor(sessions, LEADER_ID)
    normal = await send(sessions, leader, two_buildings(folks.courtyard_id), clock(), Policy())
    assert normal.goes_out_at == MORNING
    urgent = await send(
        sessions,
        leader,
        two_buildings(
            folks.courtyard_id,
            urgent=True,
            attachment=Attachment(AttachmentKind.PHOTO, "photo-pipe-burst"),
        ),
        clock(),
        Policy(),
    )
    assert urgent.goes_out_at == NIGHT + compose.GRACE
    clock.advance(seconds=61)
    await world.deliver()
    photos = [s for s in world.telegram.requests if isinstance(s.method, SendPhoto)]
    # the urgent one at night: the 4 people who have not blocked the bot, and the group
    assert len(photos) == 5
    assert not any(isinstance(s.method, SendMessage) for s in world.telegram.requests)
    pins = [s for s in world.telegram.requests if isinstance(s.method, PinChatMessage)]
    assert [p.chat_id for p in pins] == [RESIDENTS_GROUP]
    group_post = next(p for p in photos if p.chat_id == RESIDENTS_GROUP)
    assert world.telegram.chat(RESIDENTS_GROUP).pinned == group_post.message_id
    await world.deliver_all()
    normal_rows = await rows(sessions, f"notice:{normal.notice_ids[0]}:")
    sent_at = [r.sent_at for r in normal_rows if r.status is OutboxStatus.SENT and r.sent_at]
    assert len(sent_at) == 5
    assert min(sent_at) == MORNING  # not a second earlier: paced from 08:00 on
    assert len(pins) == 1  # the normal one is not pinned


async def test_a_pin_refused_leaves_the_post_sent(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    """A group that gave the bot no right to pin keeps the post, unpinned; nothing is retried."""
    from aiogram.exceptions import TelegramBadRequest

    world.telegram.fail_once(
        lambda m: isinstance(m, PinChatMessage),
        TelegramBadRequest(
            method=PinChatMessage(chat_id=0, message_id=1), message="not enough rights"
        ),
    )
    leader = await actor(sessions, LEADER_ID)
    done = await send(
        sessions, leader, two_buildings(folks.courtyard_id, urgent=True), clock(), Policy()
    )
    clock.advance(seconds=61)
    await world.deliver_all()
    post = await rows(sessions, f"notice:{done.notice_ids[0]}:c")
    assert [r.status for r in post] == [OutboxStatus.SENT]
    assert world.telegram.chat(RESIDENTS_GROUP).pinned is None
    pins = [s for s in world.telegram.requests if isinstance(s.method, PinChatMessage)]
    assert len(pins) == 1


async def test_a_pdf_notice_goes_as_a_document(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    from aiogram.methods import SendDocument

    leader = await actor(sessions, LEADER_ID)
    draft = two_buildings(
        folks.courtyard_id, attachment=Attachment(AttachmentKind.DOCUMENT, "pdf-schedule")
    )
    await send(sessions, leader, draft, clock(), Policy())
    clock.advance(seconds=61)
    await world.deliver_all()
    documents = [s for s in world.telegram.requests if isinstance(s.method, SendDocument)]
    assert len(documents) == 5  # 4 people and the group
    assert all(s.method.document == "pdf-schedule" for s in documents)
    assert all("停水" in (s.method.caption or "") for s in documents)


@pytest.mark.parametrize(
    ("typed", "local"),
    [
        ("11:30", "2026-11-28 11:30"),
        ("11-29 08:00", "2026-11-29 08:00"),
        ("2026-12-03 8:05", "2026-12-03 08:05"),
        ("12月3日 9点", "2026-12-03 09:00"),
        ("01-05 09:00", "2027-01-05 09:00"),
    ],
)
def test_typed_times(typed: str, local: str) -> None:
    from services.notices.compose import parse_time

    now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # 10:00 local
    at = parse_time(typed, now, Policy())
    assert Policy().local(at).strftime("%Y-%m-%d %H:%M") == local


@pytest.mark.parametrize("typed", ["09:59", "11-27 12:00", "25:00", "明天", "", "13-01 08:00"])
def test_typed_times_refused(typed: str) -> None:
    from services.notices.compose import parse_time
    from services.notices.errors import TimeInPast, TimeNotUnderstood

    now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    with pytest.raises((TimeInPast, TimeNotUnderstood)):
        parse_time(typed, now, Policy())


async def test_blocked_while_delivered_joins_the_list_an_hour_later(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: NoticePeople
) -> None:
    leader = await actor(sessions, LEADER_ID)
    draft = two_buildings(folks.courtyard_id, units=frozenset({("1号楼", "1单元")}))
    done = await send(sessions, leader, draft, clock(), Policy())
    world.telegram.blocked.add(NEIGHBOUR_ID)  # 赵大爷 blocks the bot before it arrives
    clock.advance(seconds=61)
    await sweep(sessions, clock(), Policy())
    await world.deliver_all()
    ref = str(done.notice_ids[0])
    async with sessions() as session:
        assert await visits.counts(session, "notice", ref) == (11, 0)
    clock.advance(hours=1)
    await sweep(sessions, clock(), Policy())
    async with sessions() as session:
        assert await visits.counts(session, "notice", ref) == (12, 0)  # his household too
    clock.advance(hours=1)
    await sweep(sessions, clock(), Policy())  # looked at once more only
    assert [e[0] for e in await events_of(sessions, done.notice_ids[0])] == [
        "drafted",
        "scheduled",
        "sent",
    ]


def test_a_caption_never_exceeds_telegram_limit(i18n: I18n) -> None:
    from services.notices.messages import NoticeInfo
    from services.policy import SHANGHAI
    from views.notices import card

    info = NoticeInfo(
        id=1,
        courtyard="院" * 100,
        author="名" * 200,
        text="字" * 800,
        attachment_kind="photo",
        attachment_file_id="p",
        needs_ack=True,
        units=tuple((f"{n}号楼", "1单元") for n in range(1, 20)),
    )
    with i18n.context(), i18n.use_locale("zh_Hans"):
        shown = card.rendered(info, SHANGHAI)
    assert len(shown.text) <= 1024
    assert shown.text.count("字") > 400
