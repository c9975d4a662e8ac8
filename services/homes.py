"""A person's homes: the households they belong to or asked to join."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, Household, Membership, MembershipStatus
from services.access import Actor


@dataclass(frozen=True)
class Home:
    household_id: int
    courtyard: str
    household: str
    relation: str
    status: str
    area_centi_m2: int


async def of(session: AsyncSession, actor: Actor) -> list[Home]:
    rows = await session.execute(
        select(Membership, Household, Courtyard.name)
        .join(Household, Household.id == Membership.household_id)
        .join(Courtyard, Courtyard.id == Household.courtyard_id)
        .where(
            Membership.user_id == actor.user_id,
            Membership.status.in_([MembershipStatus.APPROVED, MembershipStatus.PENDING]),
        )
        .order_by(Courtyard.name, Household.building, Household.unit, Household.room)
    )
    return [
        Home(h.id, name, h.label(), m.relation.value, m.status.value, h.area_centi_m2)
        for m, h, name in rows.all()
    ]
