"""Invented people for the repair-ticket tests: workers, customer service, a supervisor, and
residents of 纬三路13号院 (seed_courtyard), with approved memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, REPAIR_ID

from models import Household, Membership, MembershipStatus, Relation, User
from services import people, roles
from services.access import Actor, Role
from services.policy import Policy

WORKER_ID = REPAIR_ID  # 张师傅
WORKER2_ID = 5013  # 刘师傅
SERVICE_ID = 5005  # 客服 小陈
SUPERVISOR_ID = 5006  # 监督委员会 老周
RESIDENT_ID = 9001  # 王阿姨, 2号楼-1单元-501
NEIGHBOUR_ID = 9002  # 赵大爷, 1号楼-1单元-101 (his daughter phones for him)
TWO_HOMES_ID = 9003  # 孙先生, owner of 1号楼-2单元-201 and 2号楼-2单元-602
STRANGER_ID = 9009  # lives elsewhere
STAFF_GROUP = -100123  # 维修群, the repair team's group of 纬三路13号院

HOMES = {
    RESIDENT_ID: ("王阿姨", ["2号楼-1单元-501"]),
    NEIGHBOUR_ID: ("赵大爷", ["1号楼-1单元-101"]),
    TWO_HOMES_ID: ("孙先生", ["1号楼-2单元-201", "2号楼-2单元-602"]),
}
STAFF = {
    WORKER_ID: ("张师傅", Role.REPAIR),
    WORKER2_ID: ("刘师傅", Role.REPAIR),
    SERVICE_ID: ("小陈", Role.CUSTOMER_SERVICE),
    SUPERVISOR_ID: ("老周", Role.SUPERVISOR),
}
NAMES = {LEADER_ID: "李网格长", ADMIN_ID: "服务中心"}


@dataclass(frozen=True)
class TicketPeople:
    courtyard_id: int
    users: dict[int, int]  # telegram id -> user id
    homes: dict[str, int]  # household label -> household id


async def household(session: AsyncSession, courtyard_id: int, label: str) -> Household:
    building, unit, room = label.split("-")
    found = await session.scalar(
        select(Household).where(
            Household.courtyard_id == courtyard_id,
            Household.building == building,
            Household.unit == unit,
            Household.room == room,
        )
    )
    assert found is not None, label
    return found


async def seed_ticket_people(
    sessions: async_sessionmaker[AsyncSession], now: datetime, courtyard_id: int
) -> TicketPeople:
    users: dict[int, int] = {}
    homes: dict[str, int] = {}
    async with sessions() as session, session.begin():
        for telegram_id, (name, role) in STAFF.items():
            user = await roles.user_by_telegram_id(session, telegram_id, now, create=True)
            user.name = name
            # supervisors read every courtyard
            await roles.grant(
                session,
                user,
                role,
                None if role is Role.SUPERVISOR else courtyard_id,
                now,
                tell=False,
            )
            users[telegram_id] = user.id
        for telegram_id, name in NAMES.items():
            user = await roles.user_by_telegram_id(session, telegram_id, now, create=True)
            user.name = name
            users[telegram_id] = user.id
        for telegram_id, (name, labels) in HOMES.items():
            user = User(telegram_id=telegram_id, name=name, created_at=now, language_code="en")
            session.add(user)
            await session.flush()
            users[telegram_id] = user.id
            for label in labels:
                home = await household(session, courtyard_id, label)
                homes[label] = home.id
                session.add(
                    Membership(
                        user_id=user.id,
                        household_id=home.id,
                        relation=Relation.OWNER,
                        status=MembershipStatus.APPROVED,
                        requested_at=now,
                        decided_at=now,
                    )
                )
        stranger = User(telegram_id=STRANGER_ID, name="路人", created_at=now)
        session.add(stranger)
        await session.flush()
        users[STRANGER_ID] = stranger.id
    return TicketPeople(courtyard_id, users, homes)


async def actor(sessions: async_sessionmaker[AsyncSession], telegram_id: int) -> Actor:
    """The Actor the middleware would load for this Telegram user."""
    async with sessions() as session:
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        assert user is not None, telegram_id
        return await people.load_actor(session, user)


ENGLISH = Policy(default_locale="en")
"""Conversation tests read what groups see in English: a staff group is addressed in the
courtyard's language, and these tests should not change when the catalogs are translated."""
