"""Finding households and users of the sample courtyards in the store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Household, User
from services.access import Actor

# the `actor_of` fixture: the Actor of a Telegram user, as the middleware would load it
ActorOf = Callable[..., Awaitable[Actor]]


async def room(session: AsyncSession, courtyard_id: int, label: str) -> Household:
    """A household by its label, e.g. '2号楼-1单元-501'."""
    building, unit, number = label.split("-")
    found = await session.scalar(
        select(Household).where(
            Household.courtyard_id == courtyard_id,
            Household.building == building,
            Household.unit == unit,
            Household.room == number,
        )
    )
    assert found is not None, label
    return found


async def user_id(session: AsyncSession, telegram_id: int) -> int:
    found = await session.scalar(select(User.id).where(User.telegram_id == telegram_id))
    assert found is not None
    return found
