"""Who may do what: roles held in one courtyard or in all, residents by their households, the
one permission check, and quiet hours as the rules see them."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, OTHER_LEADER_ID
from yards import ActorOf, room

from models import Membership, MembershipStatus, Relation, User
from services import people, roles
from services.access import Actor, Grant, Role, require
from services.clock import FixedClock
from services.errors import InvalidInput, NotAllowed, NotFound
from services.policy import Policy, QuietHours

YARD, OTHER = 1, 2


def actor(*grants: tuple[Role, int | None], households: dict[int, int] | None = None) -> Actor:
    return Actor(
        user_id=1,
        name="someone",
        grants=frozenset(Grant(role, c) for role, c in grants),
        households=households or {},
    )


def test_a_role_in_one_courtyard_is_not_a_role_in_another() -> None:
    leader = actor((Role.GRID_LEADER, YARD))

    assert leader.has(Role.GRID_LEADER, YARD)
    assert not leader.has(Role.GRID_LEADER, OTHER)
    assert leader.has(Role.GRID_LEADER)  # "in at least one courtyard"
    assert not leader.has(Role.ADMIN, YARD)
    assert leader.courtyards_as([Role.GRID_LEADER]) == {YARD}
    assert leader.courtyards_as([Role.REPAIR]) == set()

    require(leader, [Role.GRID_LEADER, Role.ADMIN], YARD)
    with pytest.raises(NotAllowed) as refused:
        require(leader, [Role.GRID_LEADER, Role.ADMIN], OTHER)
    assert refused.value.params == {"roles": (Role.GRID_LEADER, Role.ADMIN)}


def test_a_role_for_all_courtyards_holds_in_each() -> None:
    admin = actor((Role.ADMIN, None))

    assert admin.has(Role.ADMIN, YARD)
    assert admin.has(Role.ADMIN, OTHER)
    assert admin.has(Role.ADMIN)
    assert admin.courtyards_as([Role.ADMIN]) is None  # None: every courtyard
    assert admin.courtyards_as([Role.GRID_LEADER, Role.ADMIN]) is None
    assert not admin.has(Role.RESIDENT)
    require(admin, [Role.GRID_LEADER, Role.ADMIN], OTHER)


def test_residents_are_residents_where_they_live() -> None:
    resident = actor(households={101: YARD})

    assert resident.has(Role.RESIDENT, YARD)
    assert not resident.has(Role.RESIDENT, OTHER)
    assert resident.roles() == {Role.RESIDENT}
    assert resident.courtyards_as([Role.RESIDENT]) == {YARD}
    with pytest.raises(NotAllowed):
        require(resident, [Role.GRID_LEADER, Role.ADMIN])
    with pytest.raises(NotAllowed):
        require(actor(), [Role.RESIDENT])


def test_a_leader_who_lives_elsewhere() -> None:
    both = actor((Role.GRID_LEADER, YARD), households={201: OTHER})

    assert both.roles() == {Role.GRID_LEADER, Role.RESIDENT}
    assert both.courtyards_as([Role.GRID_LEADER]) == {YARD}
    assert both.courtyards_as([Role.GRID_LEADER, Role.RESIDENT]) == {YARD, OTHER}
    assert both.has_any([Role.REPAIR, Role.RESIDENT], OTHER)
    assert not both.has_any([Role.REPAIR, Role.GRID_LEADER], OTHER)


async def test_the_actor_is_loaded_from_the_store(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    other_yard: dict[str, Any],
    yard: dict[str, Any],
) -> None:
    leader = await actor_of(LEADER_ID)
    assert leader.grants == frozenset({Grant(Role.GRID_LEADER, yard["id"])})
    assert leader.has(Role.GRID_LEADER, yard["id"])
    assert not leader.has(Role.GRID_LEADER, other_yard["id"])

    admin = await actor_of(ADMIN_ID)
    assert admin.grants == frozenset({Grant(Role.ADMIN, None)})

    resident = await actor_of(9001)
    async with sessions() as session, session.begin():
        mine = await room(session, yard["id"], "1号楼-1单元-101")
        asked = await room(session, other_yard["id"], "1号楼-1单元-101")
        for home, status in ((mine, MembershipStatus.APPROVED), (asked, MembershipStatus.PENDING)):
            session.add(
                Membership(
                    user_id=resident.user_id,
                    household_id=home.id,
                    relation=Relation.OWNER,
                    status=status,
                    requested_at=clock(),
                )
            )
    resident = await actor_of(9001)
    assert resident.households == {mine.id: yard["id"]}  # pending is not yet a home
    assert resident.roles() == {Role.RESIDENT}


async def test_granting_and_revoking(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    other_yard: dict[str, Any],
    yard: dict[str, Any],
) -> None:
    async with sessions() as session, session.begin():
        repair = await roles.user_by_telegram_id(session, 7001, clock(), create=True)
        assert await roles.grant(session, repair, Role.REPAIR, yard["id"], clock())
        assert not await roles.grant(session, repair, Role.REPAIR, yard["id"], clock())
        assert await roles.grant(session, repair, Role.REPAIR, None, clock())

    assert (await actor_of(7001)).courtyards_as([Role.REPAIR]) is None
    async with sessions() as session:
        assert await roles.holders(session, Role.REPAIR, other_yard["id"]) == [repair.id]
        assert await roles.holders(session, Role.GRID_LEADER, other_yard["id"]) == [
            other_yard["leader_user_id"]
        ]

    async with sessions() as session, session.begin():
        assert await roles.revoke(session, repair, Role.REPAIR, None, clock())
        assert not await roles.revoke(session, repair, Role.REPAIR, None, clock())
    refreshed = await actor_of(7001)
    assert refreshed.has(Role.REPAIR, yard["id"])
    assert not refreshed.has(Role.REPAIR, other_yard["id"])

    with pytest.raises(InvalidInput):
        roles.parse_role("mayor")
    with pytest.raises(InvalidInput):
        roles.parse_role("resident")
    assert roles.parse_role(" Grid_Leader ") is Role.GRID_LEADER
    async with sessions() as session:
        with pytest.raises(NotFound):
            await roles.user_by_telegram_id(session, 123, clock(), create=False)
        # each courtyard's grid leader leads that one only
        assert await roles.holders(session, Role.GRID_LEADER, yard["id"]) == [
            yard["leader_user_id"]
        ]
    other_leader = await actor_of(OTHER_LEADER_ID)
    assert other_leader.courtyards_as([Role.GRID_LEADER]) == {other_yard["id"]}


async def test_a_message_from_a_person_unblocks_them(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    profile = people.TelegramProfile(9001, "王阿姨", "wang", "zh-hans")
    async with sessions() as session, session.begin():
        user = await people.ensure_user(session, profile, clock())
        await people.mark_blocked(session, user.id)
    async with sessions() as session:
        stored = await session.scalar(select(User).where(User.telegram_id == 9001))
        assert stored is not None
        assert stored.blocked

    renamed = people.TelegramProfile(9001, "王秀英", None, None)
    async with sessions() as session, session.begin():
        again = await people.ensure_user(session, renamed, clock())
    assert again.id == user.id
    async with sessions() as session:
        stored = await session.get(User, user.id)
        assert stored is not None
        assert (stored.blocked, stored.name, stored.language_code) == (False, "王秀英", "zh-hans")


# ---- quiet hours -----------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at_local(hour: int, minute: int = 0, day: int = 28) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(20, 59, False), (21, 0, True), (23, 59, True), (0, 0, True), (7, 59, True), (8, 0, False)],
)
def test_quiet_hours_span_midnight(hour: int, minute: int, quiet: bool) -> None:
    assert QuietHours().contains(time(hour, minute)) is quiet


def test_after_quiet_hours() -> None:
    policy = Policy()
    assert policy.after_quiet_hours(at_local(23)) == at_local(8, day=29)
    assert policy.after_quiet_hours(at_local(2)) == at_local(8)
    assert policy.after_quiet_hours(at_local(12)) == at_local(12)
    assert policy.after_quiet_hours(at_local(23)).tzinfo is not None

    daytime = Policy(quiet_hours=QuietHours(time(12, 0), time(14, 0)))  # a siesta
    assert daytime.after_quiet_hours(at_local(13)) == at_local(14)
    assert daytime.after_quiet_hours(at_local(23)) == at_local(23)

    off = Policy(quiet_hours=QuietHours(time(0, 0), time(0, 0)))
    assert off.after_quiet_hours(at_local(23)) == at_local(23)

    urumqi = Policy(timezone=ZoneInfo("Asia/Urumqi"))  # two hours behind Beijing's clock
    assert urumqi.after_quiet_hours(at_local(22)) == at_local(22)  # 20:00 there
    assert urumqi.after_quiet_hours(at_local(23)) == at_local(10, day=29)  # 08:00 there
