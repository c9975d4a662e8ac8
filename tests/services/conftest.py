"""Service fixtures: two courtyards with households and grid leaders, and actors loaded from the
store the way the bot loads them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID, OTHER_LEADER_ID, seed_courtyard
from tickets_data import STAFF_GROUP, TicketPeople, actor, seed_ticket_people
from yards import ActorOf

from models import GroupKind
from services import courtyards, people
from services.access import Actor
from services.clock import FixedClock


@pytest.fixture
async def yard(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> dict[str, Any]:
    """纬三路13号院: 48 households, grid leader 5001; admin 5002 holds every courtyard."""
    return await seed_courtyard(sessions, clock())


@pytest.fixture
async def other_yard(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> dict[str, Any]:
    """都市A座, led by 5004, who leads nothing in 纬三路13号院."""
    return await seed_courtyard(sessions, clock(), "都市A座", code="DSA", leader_id=OTHER_LEADER_ID)


@pytest.fixture
def actor_of(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> ActorOf:
    """The Actor of a Telegram user, created on first use, as the middleware would load it."""

    async def load(telegram_id: int, name: str | None = None) -> Actor:
        async with sessions() as session, session.begin():
            profile = people.TelegramProfile(telegram_id, name or f"user {telegram_id}")
            user = await people.ensure_user(session, profile, clock())
            return await people.load_actor(session, user)

    return load


@pytest.fixture
async def folks(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> TicketPeople:
    """纬三路13号院's people of the ticket tests: workers, customer service, a supervisor and
    residents with their homes (tickets_data)."""
    return await seed_ticket_people(sessions, clock(), yard["id"])


@pytest.fixture
async def staff_group(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, folks: TicketPeople
) -> int:
    """The repair team's group, linked to 纬三路13号院 by its grid leader (modules whose
    tickets go to a group use it: `pytestmark = pytest.mark.usefixtures("staff_group")`)."""
    leader = await actor(sessions, LEADER_ID)
    async with sessions() as session, session.begin():
        await courtyards.link_group(
            session,
            leader,
            chat_id=STAFF_GROUP,
            title="维修群",
            courtyard_id=folks.courtyard_id,
            kind=GroupKind.STAFF,
            now=clock(),
        )
    return STAFF_GROUP
