"""Invented people for the notice tests, in 纬三路13号院 (tests_data.seed_courtyard: 1号楼 and
2号楼, units 1单元 and 2单元, rooms 101-602) on top of the ticket tests' residents: 王阿姨's
daughter-in-law, an elderly neighbour with no Telegram, one who blocked the bot, and the
courtyard's residents' group linked by the grid leader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID
from tickets_data import TicketPeople, actor, household, seed_ticket_people

from models import GroupKind, Membership, MembershipStatus, Relation, User
from services import courtyards

DAUGHTER_ID = 9011  # 小刘, family in 王阿姨's 2号楼-1单元-501
BLOCKED_ID = 9012  # 钱先生, 2号楼-2单元-101, blocked the bot
OFFLINE_LABEL = "1号楼-1单元-102"  # 冯奶奶, 86, no phone: registered by the grid leader
RESIDENTS_GROUP = -100777  # 纬三路13号院居民群

EXTRA = [
    ("小刘", DAUGHTER_ID, "2号楼-1单元-501", Relation.FAMILY, False),
    ("钱先生", BLOCKED_ID, "2号楼-2单元-101", Relation.OWNER, True),
    ("冯奶奶", None, OFFLINE_LABEL, Relation.OWNER, False),
]


@dataclass(frozen=True)
class NoticePeople:
    base: TicketPeople
    users: dict[str, int]  # name -> user id

    @property
    def courtyard_id(self) -> int:
        return self.base.courtyard_id


async def seed_notice_people(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    courtyard_id: int,
    *,
    base: TicketPeople | None = None,
    group: bool = True,
) -> NoticePeople:
    base = base or await seed_ticket_people(sessions, now, courtyard_id)
    users: dict[str, int] = {}
    async with sessions() as session, session.begin():
        for name, telegram_id, label, relation, blocked in EXTRA:
            user = User(
                telegram_id=telegram_id,
                name=name,
                blocked=blocked,
                created_at=now,
                language_code="zh-hans",
            )
            session.add(user)
            await session.flush()
            users[name] = user.id
            home = await household(session, courtyard_id, label)
            session.add(
                Membership(
                    user_id=user.id,
                    household_id=home.id,
                    relation=relation,
                    status=MembershipStatus.APPROVED,
                    requested_at=now,
                    decided_at=now,
                )
            )
    if group:
        leader = await actor(sessions, LEADER_ID)
        async with sessions() as session, session.begin():
            await courtyards.link_group(
                session,
                leader,
                chat_id=RESIDENTS_GROUP,
                title="纬三路13号院居民群",
                courtyard_id=courtyard_id,
                kind=GroupKind.RESIDENTS,
                now=now,
            )
    return NoticePeople(base, users)
