"""Invented people and events for the sign-up tests: the elderly's bus-card renewal at
纬三路13号院 (seed_courtyard), and as many residents as a test needs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import households

from models import Household, Membership, MembershipStatus, Relation, User
from services.access import Actor
from services.audiences import Scope
from services.policy import Policy
from services.signups import gatherings
from services.signups.schedule import parse_slots

BUS_CARD = "公交卡年审"
COMMUNITY_ROOM = "社区活动室"


def day_after(now: datetime, policy: Policy, days: int = 1) -> date:
    return policy.local(now).date() + timedelta(days=days)


async def bus_card_renewal(
    sessions: async_sessionmaker[AsyncSession],
    leader: Actor,
    courtyard_id: int,
    now: datetime,
    policy: Policy,
    *,
    slots: str = "9:00-11:00 每15分钟 5人",
    days: int = 1,
    scope: Scope | None = None,
) -> int:
    """Published tomorrow (by default) with the slots given; returns its id."""
    planned = parse_slots(slots, day_after(now, policy, days), policy.timezone)
    async with sessions() as session, session.begin():
        gathering_id, _sent = await gatherings.publish(
            session,
            leader,
            scope=scope or Scope.of(courtyard_id),
            title=BUS_CARD,
            place=COMMUNITY_ROOM,
            slots=planned,
            now=now,
            policy=policy,
        )
    return gathering_id


async def residents(
    sessions: async_sessionmaker[AsyncSession],
    courtyard_id: int,
    now: datetime,
    count: int,
    *,
    first_telegram_id: int = 20000,
) -> list[int]:
    """`count` approved residents on Telegram, spread over the courtyard's households;
    returns their Telegram ids."""
    from sqlalchemy import select

    ids = []
    async with sessions() as session, session.begin():
        homes = list(
            await session.scalars(
                select(Household.id)
                .where(Household.courtyard_id == courtyard_id)
                .order_by(Household.id)
            )
        )
        assert homes, households
        for n in range(count):
            telegram_id = first_telegram_id + n
            user = User(telegram_id=telegram_id, name=f"居民{n:02d}", created_at=now)
            session.add(user)
            await session.flush()
            session.add(
                Membership(
                    user_id=user.id,
                    household_id=homes[n % len(homes)],
                    relation=Relation.OWNER,
                    status=MembershipStatus.APPROVED,
                    requested_at=now,
                    decided_at=now,
                )
            )
            ids.append(telegram_id)
    return ids


async def offline_neighbour(
    sessions: async_sessionmaker[AsyncSession], household_id: int, now: datetime, name: str
) -> int:
    """A neighbour a grid leader registered, who is not on Telegram; returns her user id."""
    async with sessions() as session, session.begin():
        user = User(telegram_id=None, name=name, created_at=now)
        session.add(user)
        await session.flush()
        session.add(
            Membership(
                user_id=user.id,
                household_id=household_id,
                relation=Relation.OWNER,
                status=MembershipStatus.APPROVED,
                requested_at=now,
                decided_at=now,
                channel="visit",
            )
        )
        return user.id
