"""Joining: asking to belong to a household, a grid leader's answer, registering a neighbour,
the pending list, quiet hours, and the morning digest of requests left waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, OTHER_LEADER_ID
from yards import ActorOf, room, user_id

from models import Courtyard, Event, Membership, MembershipStatus, OutboxMessage, Relation, User
from services import homes, membership, people, phones, roles
from services.access import Role
from services.clock import FixedClock
from services.courtyards import UnknownInvite
from services.errors import InvalidInput, NotAllowed, NotFound
from services.membership import AlreadyDecided, AlreadyMember, AlreadyRequested
from services.membership_messages import PendingDigest, WaitingRequests
from services.policy import Policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
RESIDENT = 9001
NEIGHBOUR = 9002


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Zhengzhou wall-clock time as aware UTC, the way the store keeps it."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


async def ask(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    telegram_id: int,
    courtyard_id: int,
    label: str,
    at: datetime,
    relation: Relation = Relation.OWNER,
) -> membership.JoinRequest:
    actor = await actor_of(telegram_id, f"居民{telegram_id}")
    async with sessions() as session, session.begin():
        home = await room(session, courtyard_id, label)
        invite = await invite_of(session, courtyard_id)
        return await membership.request(
            session, actor, home.id, relation, at, Policy(), invite=invite
        )


async def invite_of(session: AsyncSession, courtyard_id: int) -> str:
    courtyard = await session.get(Courtyard, courtyard_id)
    assert courtyard is not None
    return courtyard.invite_code


async def decide(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    telegram_id: int,
    membership_id: int,
    approve: bool,
    at: datetime,
) -> membership.Decision:
    actor = await actor_of(telegram_id)
    async with sessions() as session, session.begin():
        reason = None if approve else "incomplete"
        return await membership.decide(session, actor, membership_id, approve, at, reason=reason)


async def all_memberships(sessions: async_sessionmaker[AsyncSession]) -> list[Membership]:
    async with sessions() as session:
        return list(await session.scalars(select(Membership).order_by(Membership.id)))


async def outbox_rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def telegram_of(sessions: async_sessionmaker[AsyncSession], user_id: int | None) -> int:
    async with sessions() as session:
        found = await session.scalar(select(User.telegram_id).where(User.id == user_id))
        assert found is not None
        return found


# ---- asking ----------------------------------------------------------------------------------


async def test_a_request_waits_for_the_grid_leader(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    result = await ask(sessions, actor_of, RESIDENT, yard["id"], "2号楼-1单元-501", clock())

    assert (result.courtyard_name, result.household_label) == ("纬三路13号院", "2号楼-1单元-501")
    assert result.leaders_notified == 1
    [row] = await all_memberships(sessions)
    assert (row.status, row.relation, row.requested_at) == (
        MembershipStatus.PENDING,
        Relation.OWNER,
        clock(),
    )
    [message] = await outbox_rows(sessions)
    assert message.kind == "membership.requested"
    assert await telegram_of(sessions, message.user_id) == LEADER_ID
    assert message.payload["household"] == "2号楼-1单元-501"
    assert message.payload["membership_id"] == row.id
    assert message.not_before == clock()  # 10:00 in Zhengzhou: no need to wait
    async with sessions() as session:
        [event] = await session.scalars(select(Event).where(Event.subject_type == "membership"))
    assert (event.action, event.to_state, event.subject_id) == ("requested", "pending", row.id)

    # a pending request does not make a resident yet
    actor = await actor_of(RESIDENT)
    assert actor.households == {}
    assert not actor.has(Role.RESIDENT)


async def test_asking_twice_or_when_already_a_member(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    first = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())

    with pytest.raises(AlreadyRequested) as again:
        await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())
    assert again.value.params == {"household": "1号楼-1单元-101"}
    # as a tenant this time: still the same room, still already asked
    with pytest.raises(AlreadyRequested):
        await ask(
            sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock(), Relation.TENANT
        )

    await decide(sessions, actor_of, LEADER_ID, first.membership_id, True, clock())
    with pytest.raises(AlreadyMember):
        await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())

    assert len(await all_memberships(sessions)) == 1
    assert len([r for r in await outbox_rows(sessions) if r.kind == "membership.requested"]) == 1


async def test_after_a_rejection_one_may_ask_again(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    first = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())
    await decide(sessions, actor_of, LEADER_ID, first.membership_id, False, clock())

    second = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())

    assert second.membership_id != first.membership_id
    assert [m.status for m in await all_memberships(sessions)] == [
        MembershipStatus.REJECTED,
        MembershipStatus.PENDING,
    ]


async def test_a_person_in_several_households(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    other_yard: dict[str, Any],
    yard: dict[str, Any],
) -> None:
    """An owner of one flat who rents another, in another courtyard, and a family member."""
    own = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())
    rent = await ask(
        sessions, actor_of, RESIDENT, other_yard["id"], "1号楼-1单元-101", clock(), Relation.TENANT
    )
    family = await ask(
        sessions, actor_of, RESIDENT, yard["id"], "2号楼-2单元-602", clock(), Relation.FAMILY
    )
    await decide(sessions, actor_of, LEADER_ID, own.membership_id, True, clock())
    await decide(sessions, actor_of, OTHER_LEADER_ID, rent.membership_id, True, clock())

    actor = await actor_of(RESIDENT)
    assert sorted(actor.households.values()) == sorted([yard["id"], other_yard["id"]])
    assert actor.has(Role.RESIDENT, yard["id"])
    assert actor.has(Role.RESIDENT, other_yard["id"])
    async with sessions() as session:
        mine = await homes.of(session, actor)
    assert [(h.courtyard, h.household, h.relation, h.status) for h in mine] == [
        ("纬三路13号院", "1号楼-1单元-101", "owner", "approved"),
        ("纬三路13号院", "2号楼-2单元-602", "family", "pending"),
        ("都市A座", "1号楼-1单元-101", "tenant", "approved"),
    ]
    assert family.leaders_notified == 1


async def test_several_people_in_one_household(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    owner = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())
    tenant = await ask(
        sessions, actor_of, NEIGHBOUR, yard["id"], "1号楼-1单元-101", clock(), Relation.TENANT
    )
    await decide(sessions, actor_of, LEADER_ID, owner.membership_id, True, clock())
    await decide(sessions, actor_of, LEADER_ID, tenant.membership_id, True, clock())
    assert [m.status for m in await all_memberships(sessions)] == [MembershipStatus.APPROVED] * 2


async def test_without_a_grid_leader_the_service_center_is_asked(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    async with sessions() as session, session.begin():
        leader = await session.get(User, yard["leader_user_id"])
        assert leader is not None
        await roles.revoke(session, leader, Role.GRID_LEADER, yard["id"], clock(), tell=False)

    result = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())

    assert result.leaders_notified == 1
    [message] = await outbox_rows(sessions)
    assert await telegram_of(sessions, message.user_id) == ADMIN_ID
    decision = await decide(sessions, actor_of, ADMIN_ID, result.membership_id, True, clock())
    assert decision.approved


async def test_asking_for_a_household_that_does_not_exist(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    actor = await actor_of(RESIDENT)
    async with sessions() as session:
        with pytest.raises(NotFound):
            await membership.request(
                session, actor, 999_999, Relation.OWNER, clock(), Policy(), invite=yard["invite"]
            )
    assert await all_memberships(sessions) == []


# ---- deciding --------------------------------------------------------------------------------


async def test_the_leader_approves_and_the_resident_is_told(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    asked = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-2单元-301", clock())
    clock.advance(hours=2)

    decision = await decide(sessions, actor_of, LEADER_ID, asked.membership_id, True, clock())

    assert decision.approved
    assert decision.household_label == "1号楼-2单元-301"
    [row] = await all_memberships(sessions)
    assert row.status is MembershipStatus.APPROVED
    assert row.decided_by == yard["leader_user_id"]
    assert row.decided_at == clock()
    told = [r for r in await outbox_rows(sessions) if r.kind == "membership.approved"]
    assert len(told) == 1
    assert await telegram_of(sessions, told[0].user_id) == RESIDENT
    assert told[0].payload["household"] == "1号楼-2单元-301"
    actor = await actor_of(RESIDENT)
    assert actor.has(Role.RESIDENT, yard["id"])

    with pytest.raises(AlreadyDecided) as again:
        await decide(sessions, actor_of, LEADER_ID, asked.membership_id, False, clock())
    assert again.value.params == {"status": "approved"}
    assert (await all_memberships(sessions))[0].status is MembershipStatus.APPROVED


async def test_the_leader_rejects(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    asked = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-2单元-301", clock())
    await decide(sessions, actor_of, LEADER_ID, asked.membership_id, False, clock())

    [row] = await all_memberships(sessions)
    assert row.status is MembershipStatus.REJECTED
    assert [r.kind for r in await outbox_rows(sessions)] == [
        "membership.requested",
        "membership.rejected",
    ]
    assert (await actor_of(RESIDENT)).households == {}


async def test_only_a_leader_of_that_courtyard_decides(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    other_yard: dict[str, Any],
    yard: dict[str, Any],
) -> None:
    asked = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())
    # a resident of the same courtyard: not a leader
    neighbour = await ask(sessions, actor_of, NEIGHBOUR, yard["id"], "1号楼-1单元-102", clock())
    await decide(sessions, actor_of, LEADER_ID, neighbour.membership_id, True, clock())

    for who in (OTHER_LEADER_ID, NEIGHBOUR, RESIDENT):
        with pytest.raises(NotAllowed) as refused:
            await decide(sessions, actor_of, who, asked.membership_id, True, clock())
        assert refused.value.params["roles"] == (Role.GRID_LEADER, Role.ADMIN)

    row = (await all_memberships(sessions))[0]
    assert (row.status, row.decided_by) == (MembershipStatus.PENDING, None)
    assert not [r for r in await outbox_rows(sessions) if r.kind == "membership.approved"
                and r.payload["household"] == "1号楼-1单元-101"]  # fmt: skip


async def test_deciding_a_request_that_does_not_exist(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    with pytest.raises(NotFound):
        await decide(sessions, actor_of, LEADER_ID, 424242, True, clock())


# ---- the pending list ------------------------------------------------------------------------


async def test_pending_lists_only_the_leaders_courtyards(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    other_yard: dict[str, Any],
    yard: dict[str, Any],
) -> None:
    await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())
    clock.advance(minutes=5)
    await ask(sessions, actor_of, NEIGHBOUR, other_yard["id"], "2号楼-1单元-201", clock())
    clock.advance(minutes=5)
    decided = await ask(sessions, actor_of, 9003, yard["id"], "1号楼-1单元-102", clock())
    await decide(sessions, actor_of, LEADER_ID, decided.membership_id, True, clock())

    async def listed(telegram_id: int) -> list[tuple[str, str]]:
        actor = await actor_of(telegram_id)
        async with sessions() as session:
            return [
                (p.courtyard_name, p.household_label)
                for p in await membership.pending(session, actor)
            ]

    assert await listed(LEADER_ID) == [("纬三路13号院", "1号楼-1单元-101")]
    assert await listed(OTHER_LEADER_ID) == [("都市A座", "2号楼-1单元-201")]
    assert await listed(ADMIN_ID) == [  # the service center sees every courtyard, oldest first
        ("纬三路13号院", "1号楼-1单元-101"),
        ("都市A座", "2号楼-1单元-201"),
    ]
    with pytest.raises(NotAllowed):
        await listed(RESIDENT)
    with pytest.raises(NotAllowed):
        await listed(9003)  # an approved resident is not a leader


# ---- a leader registers a neighbour ----------------------------------------------------------


async def register(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    leader: int,
    courtyard_id: int,
    label: str,
    name: str,
    telegram_id: int | None,
    at: datetime,
) -> Membership:
    actor = await actor_of(leader)
    async with sessions() as session, session.begin():
        home = await room(session, courtyard_id, label)
        return await membership.register(
            session,
            actor,
            household_id=home.id,
            name=name,
            relation=Relation.OWNER,
            telegram_id=telegram_id,
            now=at,
        )


async def test_registering_a_neighbour_who_is_not_online(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    created = await register(
        sessions, actor_of, LEADER_ID, yard["id"], "2号楼-2单元-101", " 刘奶奶 ", None, clock()
    )

    assert created.status is MembershipStatus.APPROVED
    assert created.decided_by == yard["leader_user_id"]
    assert created.channel == "grid_leader"
    async with sessions() as session:
        person = await session.get(User, created.user_id)
    assert person is not None
    assert (person.name, person.telegram_id) == ("刘奶奶", None)
    assert await outbox_rows(sessions) == []  # nobody to tell: she has no Telegram


async def test_registering_a_neighbour_with_telegram(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    created = await register(
        sessions, actor_of, LEADER_ID, yard["id"], "2号楼-2单元-101", "刘奶奶", NEIGHBOUR, clock()
    )

    [message] = await outbox_rows(sessions)
    assert message.kind == "membership.registered"
    assert message.user_id == created.user_id
    assert await telegram_of(sessions, message.user_id) == NEIGHBOUR
    # when she opens the bot, she is that person and a resident already
    actor = await actor_of(NEIGHBOUR, "Liu")
    assert actor.user_id == created.user_id
    assert actor.has(Role.RESIDENT, yard["id"])

    with pytest.raises(AlreadyMember):
        await register(
            sessions, actor_of, LEADER_ID, yard["id"], "2号楼-2单元-101", "刘奶奶", NEIGHBOUR,
            clock(),
        )  # fmt: skip
    assert len(await all_memberships(sessions)) == 1


async def test_registering_someone_who_asked_approves_the_request(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    asked = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())
    registered = await register(
        sessions, actor_of, LEADER_ID, yard["id"], "1号楼-1单元-101", "王阿姨", RESIDENT, clock()
    )
    assert registered.id == asked.membership_id
    [row] = await all_memberships(sessions)
    assert row.status is MembershipStatus.APPROVED


async def test_only_a_leader_of_that_courtyard_registers(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    other_yard: dict[str, Any],
    yard: dict[str, Any],
) -> None:
    for who in (OTHER_LEADER_ID, RESIDENT):
        with pytest.raises(NotAllowed):
            await register(
                sessions, actor_of, who, yard["id"], "1号楼-1单元-101", "某人", None, clock()
            )
    with pytest.raises(InvalidInput):
        await register(sessions, actor_of, LEADER_ID, yard["id"], "1号楼-1单元-101", " ", None,
                       clock())  # fmt: skip
    assert await all_memberships(sessions) == []
    async with sessions() as session:
        names = list(await session.scalars(select(User.name)))
    assert "某人" not in names


# ---- quiet hours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked_at", "due_at"),
    [
        (local(2026, 11, 28, 23, 0), local(2026, 11, 29, 8, 0)),
        (local(2026, 11, 28, 21, 0), local(2026, 11, 29, 8, 0)),
        (local(2026, 11, 29, 3, 30), local(2026, 11, 29, 8, 0)),
        (local(2026, 11, 29, 8, 0), local(2026, 11, 29, 8, 0)),
        (local(2026, 11, 28, 20, 59), local(2026, 11, 28, 20, 59)),
    ],
)
async def test_a_request_at_night_reaches_the_leader_in_the_morning(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    yard: dict[str, Any],
    asked_at: datetime,
    due_at: datetime,
) -> None:
    await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", asked_at)

    [message] = await outbox_rows(sessions)
    assert message.not_before == due_at
    assert message.next_attempt_at == due_at
    assert message.created_at == asked_at


# ---- the morning digest ----------------------------------------------------------------------


async def digest(sessions: async_sessionmaker[AsyncSession], at: datetime) -> int:
    async with sessions() as session, session.begin():
        return await membership.pending_digest(session, at, Policy())


async def digests(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    return [r for r in await outbox_rows(sessions) if r.kind == "membership.digest"]


async def test_digest_of_requests_waiting_over_a_day(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    other_yard: dict[str, Any],
    yard: dict[str, Any],
) -> None:
    await ask(sessions, actor_of, 9101, yard["id"], "1号楼-1单元-101", local(2026, 11, 26, 9))
    await ask(sessions, actor_of, 9102, yard["id"], "1号楼-1单元-102", local(2026, 11, 27, 7))
    await ask(sessions, actor_of, 9103, yard["id"], "1号楼-1单元-201", local(2026, 11, 27, 15))
    await ask(sessions, actor_of, 9104, other_yard["id"], "2号楼-1单元-101", local(2026, 11, 27, 7))
    answered = await ask(
        sessions, actor_of, 9105, yard["id"], "2号楼-1单元-101", local(2026, 11, 25, 9)
    )
    await decide(
        sessions, actor_of, LEADER_ID, answered.membership_id, True, local(2026, 11, 25, 10)
    )

    morning = local(2026, 11, 28, 8, 30)
    assert await digest(sessions, morning) == 2  # one for each grid leader
    assert await digest(sessions, morning) == 0  # a re-run writes nothing
    assert await digest(sessions, morning + timedelta(hours=3)) == 0  # the same day

    rows = await digests(sessions)
    assert len(rows) == 2
    by_leader = {await telegram_of(sessions, r.user_id): r for r in rows}
    assert set(by_leader) == {LEADER_ID, OTHER_LEADER_ID}
    # the one from yesterday afternoon has not waited a full day yet; the answered one is done
    assert PendingDigest.model_validate(by_leader[LEADER_ID].payload).items == (
        WaitingRequests(courtyard="纬三路13号院", count=2, oldest=local(2026, 11, 26, 9)),
    )
    assert [i["courtyard"] for i in by_leader[OTHER_LEADER_ID].payload["items"]] == ["都市A座"]
    assert all(r.not_before == morning for r in rows)

    # the next morning: a new digest, now with yesterday afternoon's request too
    assert await digest(sessions, morning + timedelta(days=1)) == 2
    newest = [r for r in await digests(sessions) if r.created_at == morning + timedelta(days=1)]
    leaders_newest = [r for r in newest if r.user_id == by_leader[LEADER_ID].user_id]
    assert leaders_newest[0].payload["items"][0]["count"] == 3


async def test_without_a_grid_leader_the_service_center_gets_the_digest(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    other_yard: dict[str, Any],
    yard: dict[str, Any],
) -> None:
    """Whoever is asked to decide (the service center, for a courtyard nobody leads yet) is
    also the one reminded."""
    async with sessions() as session, session.begin():
        leader = await session.get(User, other_yard["leader_user_id"])
        assert leader is not None
        await roles.revoke(session, leader, Role.GRID_LEADER, other_yard["id"], clock(), tell=False)
    await ask(sessions, actor_of, 9101, yard["id"], "1号楼-1单元-101", local(2026, 11, 26, 9))
    await ask(sessions, actor_of, 9102, other_yard["id"], "1号楼-1单元-101", local(2026, 11, 26, 9))

    assert await digest(sessions, local(2026, 11, 28, 8, 30)) == 2

    by_leader = {await telegram_of(sessions, r.user_id): r for r in await digests(sessions)}
    assert set(by_leader) == {LEADER_ID, ADMIN_ID}
    assert [i["courtyard"] for i in by_leader[ADMIN_ID].payload["items"]] == ["都市A座"]
    assert [i["courtyard"] for i in by_leader[LEADER_ID].payload["items"]] == ["纬三路13号院"]


async def test_no_digest_when_nothing_waits_long(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    yard: dict[str, Any],
) -> None:
    await ask(sessions, actor_of, 9101, yard["id"], "1号楼-1单元-101", local(2026, 11, 28, 7))
    assert await digest(sessions, local(2026, 11, 28, 8, 30)) == 0
    assert await digests(sessions) == []


async def test_digest_respects_quiet_hours(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    yard: dict[str, Any],
) -> None:
    await ask(sessions, actor_of, 9101, yard["id"], "1号楼-1单元-101", local(2026, 11, 26, 9))

    # a sweep that runs late at night (a restart, a late job) does not wake anyone
    assert await digest(sessions, local(2026, 11, 28, 22, 15)) >= 1
    rows = await digests(sessions)
    assert rows
    assert all(r.not_before == local(2026, 11, 29, 8, 0) for r in rows)


async def test_the_digest_is_rendered_in_the_leaders_language(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    yard: dict[str, Any],
) -> None:
    """The row keeps values, not words: wording is chosen at send time."""
    await ask(sessions, actor_of, 9101, yard["id"], "1号楼-1单元-101", local(2026, 11, 26, 9))
    await digest(sessions, local(2026, 11, 28, 8, 30))
    for row in await digests(sessions):
        assert set(row.payload) == {"items"}
        for item in row.payload["items"]:
            assert set(item) == {"courtyard", "count", "oldest"}


async def test_people_keep_their_language_choice(
    sessions: async_sessionmaker[AsyncSession], actor_of: ActorOf
) -> None:
    actor = await actor_of(RESIDENT)
    async with sessions() as session, session.begin():
        await people.set_locale(session, actor, "en")
    async with sessions() as session:
        stored = await session.get(User, actor.user_id)
        assert stored is not None
        assert stored.locale == "en"
        with pytest.raises(InvalidInput):
            await people.set_locale(session, actor, "fr")
    assert people.pick_locale("en", "zh-hans", "zh_Hans") == "en"
    assert people.pick_locale(None, "zh-hans", "en") == "zh_Hans"
    assert people.pick_locale(None, "en-GB", "zh_Hans") == "en"
    assert people.pick_locale(None, "ru", "zh_Hans") == "zh_Hans"
    assert people.pick_locale("xx", None, "zh_Hans") == "zh_Hans"


async def test_counts_in_the_store_are_what_the_rules_say(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    """Refusals leave no trace: a refused request writes neither a row nor an outbox message."""
    asked = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())
    async with sessions() as session:
        before = await session.scalar(select(func.count()).select_from(Event))
    with pytest.raises(AlreadyRequested):
        await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-1单元-101", clock())
    with pytest.raises(NotAllowed):
        await decide(sessions, actor_of, RESIDENT, asked.membership_id, True, clock())
    async with sessions() as session:
        after = await session.scalar(select(func.count()).select_from(Event))
        assert await user_id(session, RESIDENT)
    assert before == after
    assert len(await outbox_rows(sessions)) == 1


# ---- the invite as proof, reasons, phones -------------------------------------------------


async def test_a_request_needs_the_courtyards_current_invite(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
) -> None:
    actor = await actor_of(RESIDENT)
    async with sessions() as session:
        home = await room(session, yard["id"], "1号楼-1单元-101")
        for invite in ("", "NotTheCode", await invite_of(session, other_yard["id"])):
            with pytest.raises(UnknownInvite):
                await membership.request(
                    session, actor, home.id, Relation.OWNER, clock(), Policy(), invite=invite
                )
    assert await all_memberships(sessions) == []
    assert await outbox_rows(sessions) == []


async def test_a_rejection_needs_a_reason_and_tells_it(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    asked = await ask(sessions, actor_of, RESIDENT, yard["id"], "1号楼-2单元-301", clock())
    leader = await actor_of(LEADER_ID)
    async with sessions() as session:
        for reason in (None, "  ", "x" * 201):
            with pytest.raises(InvalidInput):
                await membership.decide(
                    session, leader, asked.membership_id, False, clock(), reason=reason
                )
    await decide(sessions, actor_of, LEADER_ID, asked.membership_id, False, clock())
    rejected = (await outbox_rows(sessions))[-1]
    assert rejected.kind == "membership.rejected"
    assert rejected.payload["reason"] == "incomplete"
    assert rejected.payload["leader"] == leader.name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0371-12345678", "0371-12345678"),
        ("037162345678", "0371-62345678"),
        ("010 12345678", "010-12345678"),
        ("0371-6234567", "0371-6234567"),
    ],
)
def test_phone_numbers_kept_normalized(typed: str, kept: str) -> None:
    assert phones.normalize(typed) == kept


@pytest.mark.parametrize(
    "typed", ["12345", "23812345678", "1381234567", "138123456789", "0371-123", "phone"]
)
def test_not_phone_numbers(typed: str) -> None:
    with pytest.raises(InvalidInput):
        phones.normalize(typed)
