"""Audiences (who a message is for) and fan-out: each audience is one query; enqueueing for
an audience is one INSERT that skips people without Telegram and writes nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, OTHER_LEADER_ID
from yards import room, user_id

from models import GroupChat, GroupKind, Membership, MembershipStatus, OutboxMessage, Relation, User
from services import audiences, outbox, roles
from services.access import Role
from services.audiences import Scope
from services.clock import FixedClock
from services.membership_messages import MembershipRejected
from services.outbox import Recipient

NOTICE = MembershipRejected(courtyard="纬三路13号院", household="-", leader="李网格长")


class Statements:
    """The SQL statements the engine sends, as they go."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, *args: Any) -> None:
        self.seen.append(" ".join(str(args[2]).split()))

    def starting(self, prefix: str) -> list[str]:
        return [s for s in self.seen if s.upper().startswith(prefix.upper())]


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[Statements]:
    seen = Statements()
    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", seen)


async def person(
    session: AsyncSession,
    clock: FixedClock,
    name: str,
    telegram_id: int | None,
    homes: list[tuple[int, str, MembershipStatus]],
    *,
    blocked: bool = False,
) -> int:
    user = User(telegram_id=telegram_id, name=name, blocked=blocked, created_at=clock())
    session.add(user)
    await session.flush()
    for courtyard_id, label, status in homes:
        home = await room(session, courtyard_id, label)
        session.add(
            Membership(
                user_id=user.id,
                household_id=home.id,
                relation=Relation.OWNER,
                status=status,
                requested_at=clock(),
            )
        )
    await session.flush()
    return user.id


@pytest.fixture
async def folks(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
) -> dict[str, int]:
    """In 纬三路13号院: Alice (two homes), Bob who blocked the bot, Carol without Telegram,
    Dave still waiting, Eve rejected; and Frank in 都市A座."""
    y, o = yard["id"], other_yard["id"]
    ok, waiting, no = MembershipStatus.APPROVED, MembershipStatus.PENDING, MembershipStatus.REJECTED
    async with sessions() as session, session.begin():
        return {
            "alice": await person(
                session,
                clock,
                "Alice",
                9001,
                [(y, "1号楼-1单元-101", ok), (y, "2号楼-2单元-102", ok)],
            ),
            "bob": await person(
                session, clock, "Bob", 9002, [(y, "1号楼-2单元-101", ok)], blocked=True
            ),
            "carol": await person(session, clock, "Carol", None, [(y, "2号楼-1单元-101", ok)]),
            "dave": await person(session, clock, "Dave", 9004, [(y, "2号楼-1单元-101", waiting)]),
            "eve": await person(session, clock, "Eve", 9005, [(y, "2号楼-2单元-101", no)]),
            "frank": await person(session, clock, "Frank", 9006, [(o, "1号楼-1单元-101", ok)]),
        }


def people(*user_ids: int) -> list[Recipient]:
    return [Recipient(user_id=u) for u in sorted(user_ids)]


async def test_members_of_a_scope(
    session: AsyncSession, folks: dict[str, int], yard: dict[str, Any]
) -> None:
    y = yard["id"]
    alice, bob, carol = folks["alice"], folks["bob"], folks["carol"]
    # pending and rejected people are not members; Alice counts once for her two homes
    assert await audiences.members(session, Scope(y)) == people(alice, bob, carol)
    assert await audiences.members(session, Scope.of(y, buildings=["1号楼"])) == people(alice, bob)
    assert await audiences.members(session, Scope.of(y, units=[("2号楼", "1单元")])) == people(
        carol
    )
    both = Scope.of(y, buildings=["1号楼"], units=[("2号楼", "2单元")])
    assert await audiences.members(session, both) == people(alice, bob)
    assert await audiences.members(session, Scope.of(y, buildings=["9号楼"])) == []


async def test_households_nobody_can_be_reached_for(
    session: AsyncSession, folks: dict[str, int], yard: dict[str, Any]
) -> None:
    y = yard["id"]
    offline = {h.label for h in await audiences.unreachable(session, Scope(y))}
    assert len(offline) == 48 - 2  # only Alice's two homes are reached
    assert "1号楼-1单元-101" not in offline
    assert "2号楼-2单元-102" not in offline
    assert {
        "1号楼-2单元-101",  # Bob blocked the bot
        "2号楼-1单元-101",  # Carol is not on Telegram; Dave is still waiting
        "2号楼-2单元-101",  # Eve was rejected
    } <= offline
    unit = await audiences.unreachable(session, Scope.of(y, units=[("1号楼", "2单元")]))
    assert len(unit) == 12
    assert all(h.label.startswith("1号楼-2单元-") for h in unit)
    assert "1号楼-1单元-101" not in {
        h.label for h in await audiences.unreachable(session, Scope.of(y, buildings=["1号楼"]))
    }


async def test_leaders_admins_and_staff(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
) -> None:
    y, o = yard["id"], other_yard["id"]
    async with sessions() as session, session.begin():
        leader, admin = await user_id(session, LEADER_ID), await user_id(session, ADMIN_ID)
        other_leader = await user_id(session, OTHER_LEADER_ID)
        here = await roles.user_by_telegram_id(session, 7001, clock(), create=True)
        everywhere = await roles.user_by_telegram_id(session, 7002, clock(), create=True)
        there = await roles.user_by_telegram_id(session, 7003, clock(), create=True)
        await roles.grant(session, here, Role.REPAIR, y, clock(), tell=False)
        await roles.grant(session, everywhere, Role.REPAIR, None, clock(), tell=False)
        await roles.grant(session, there, Role.REPAIR, o, clock(), tell=False)
        await roles.grant(session, there, Role.ADMIN, o, clock(), tell=False)

    async with sessions() as session:
        assert await audiences.grid_leaders(session, y) == people(leader)
        assert await audiences.grid_leaders(session, o) == people(other_leader)
        assert await audiences.admins(session, y) == people(admin)  # the center's, for all
        assert await audiences.admins(session, o) == people(admin, there.id)
        assert await audiences.admins(session) == people(admin)  # only those for all
        assert await audiences.staff(session, Role.REPAIR, y) == people(here.id, everywhere.id)
        assert await audiences.leaders_or_admins(session, y) == people(leader)

    async with sessions() as session, session.begin():
        former = await session.get(User, leader)
        assert former is not None
        await roles.revoke(session, former, Role.GRID_LEADER, y, clock(), tell=False)
    async with sessions() as session:
        # nobody leads it now: the service center is asked instead
        assert await audiences.grid_leaders(session, y) == []
        assert await audiences.leaders_or_admins(session, y) == people(admin)


async def test_group_chats_by_kind(
    session: AsyncSession, yard: dict[str, Any], other_yard: dict[str, Any]
) -> None:
    y, o = yard["id"], other_yard["id"]
    session.add_all(
        [
            GroupChat(chat_id=-1001, courtyard_id=y, kind=GroupKind.RESIDENTS, active=True),
            GroupChat(chat_id=-1002, courtyard_id=y, kind=GroupKind.STAFF, active=True),
            GroupChat(chat_id=-1003, courtyard_id=y, kind=GroupKind.RESIDENTS, active=False),
            GroupChat(chat_id=-1004, courtyard_id=o, kind=GroupKind.RESIDENTS, active=True),
        ]
    )
    await session.flush()
    assert await audiences.group_chats(session, y, GroupKind.RESIDENTS) == [
        Recipient(chat_id=-1001)
    ]
    assert await audiences.group_chats(session, y, GroupKind.STAFF) == [Recipient(chat_id=-1002)]


async def test_each_audience_is_one_query(
    session: AsyncSession, folks: dict[str, int], yard: dict[str, Any], statements: Statements
) -> None:
    scope = Scope.of(yard["id"], buildings=["1号楼"], units=[("2号楼", "1单元")])
    for ask in (
        audiences.members(session, scope),
        audiences.unreachable(session, scope),
        audiences.leaders_or_admins(session, yard["id"]),
        audiences.staff(session, Role.REPAIR, yard["id"]),
        audiences.group_chats(session, yard["id"], GroupKind.STAFF),
    ):
        before = len(statements.seen)
        await ask
        assert len(statements.seen) - before == 1


async def outbox_rows(session: AsyncSession) -> list[OutboxMessage]:
    return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_a_fan_out_is_one_insert_skips_people_without_telegram_and_writes_once(
    session: AsyncSession,
    folks: dict[str, int],
    yard: dict[str, Any],
    clock: FixedClock,
    statements: Statements,
) -> None:
    members = await audiences.members(session, Scope(yard["id"]))
    chats = [Recipient(chat_id=-1001), Recipient(chat_id=-1002)]
    statements.seen.clear()

    written = await outbox.enqueue_many(
        session, NOTICE, members + chats, dedupe_key=lambda r: f"notice:1:{r.key}", now=clock()
    )

    assert written == 4  # Alice, Bob (the sender will find him blocked), two groups; not Carol
    assert len(statements.starting("INSERT INTO outbox")) == 1
    assert len(statements.starting("SELECT")) == 1  # who of them is on Telegram
    rows = await outbox_rows(session)
    assert {(r.user_id, r.chat_id) for r in rows} == {
        (folks["alice"], None),
        (folks["bob"], None),
        (None, -1001),
        (None, -1002),
    }
    assert {r.kind for r in rows} == {"membership.rejected"}

    # a re-run (a retried job, a second scheduler) writes nothing more
    again = await outbox.enqueue_many(
        session, NOTICE, members + chats, dedupe_key=lambda r: f"notice:1:{r.key}", now=clock()
    )
    assert again == 0
    assert len(await outbox_rows(session)) == 4


async def test_a_large_fan_out_is_written_a_thousand_rows_an_insert(
    session: AsyncSession, clock: FixedClock, statements: Statements
) -> None:
    chats = [Recipient(chat_id=-10_000 - n) for n in range(2500)]
    written = await outbox.enqueue_many(
        session, NOTICE, chats, dedupe_key=lambda r: f"big:{r.key}", now=clock()
    )
    assert written == 2500
    assert len(statements.starting("INSERT INTO outbox")) == 3
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 2500


async def test_a_payload_per_recipient(
    session: AsyncSession, folks: dict[str, int], yard: dict[str, Any], clock: FixedClock
) -> None:
    members = await audiences.members(session, Scope(yard["id"]))
    names = {folks["alice"]: "Alice", folks["bob"]: "Bob", folks["carol"]: "Carol"}
    await outbox.enqueue_many(
        session,
        lambda r: MembershipRejected(
            courtyard="纬三路13号院", household=names[r.user_id or 0], leader="x"
        ),
        members,
        dedupe_key=lambda r: f"each:{r.key}",
        now=clock(),
    )
    assert sorted(r.payload["household"] for r in await outbox_rows(session)) == ["Alice", "Bob"]


def test_a_scope_includes_a_household_at_hand_by_the_same_rule() -> None:
    whole = Scope.of(1)
    some = Scope.of(1, buildings=["1号楼"], units=[("2号楼", "1单元")])
    assert whole.includes(1, "9号楼", "")
    assert not whole.includes(2, "1号楼", "1单元")
    assert some.includes(1, "1号楼", "2单元")
    assert some.includes(1, "2号楼", "1单元")
    assert not some.includes(1, "2号楼", "2单元")
