"""A notice's scope in the store (its places) and as audiences take it (`Scope`), and the
buildings and units a composer can choose from."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Household,
    Membership,
    MembershipStatus,
    Notice,
    NoticePlace,
    NoticeScopeKind,
    User,
)
from services.audiences import Scope


@dataclass(frozen=True)
class Building:
    name: str
    households: int
    units: tuple[tuple[str, int], ...]  # (unit, households); a unit named "" has no name


async def buildings(session: AsyncSession, courtyard_id: int) -> list[Building]:
    """The courtyard's buildings and units with their households (one query)."""
    rows = (
        await session.execute(
            select(Household.building, Household.unit, func.count())
            .where(Household.courtyard_id == courtyard_id)
            .group_by(Household.building, Household.unit)
        )
    ).all()
    found: dict[str, list[tuple[str, int]]] = {}
    for building, unit, count in rows:
        found.setdefault(building, []).append((unit, int(count)))
    return [
        Building(name, sum(c for _u, c in units), tuple(sorted(units, key=_natural)))
        for name, units in sorted(found.items(), key=_natural)
    ]


def _natural(item: tuple[str, object]) -> tuple[int, str]:
    """'2号楼' before '10号楼': by the number a name starts with, then by the name."""
    name = item[0]
    digits = ""
    for char in name:
        if not char.isdigit():
            break
        digits += char
    return (int(digits) if digits else 1 << 30, name)


def kind_of(scope: Scope) -> NoticeScopeKind:
    if scope.units:
        return NoticeScopeKind.UNITS
    if scope.buildings:
        return NoticeScopeKind.BUILDINGS
    return NoticeScopeKind.COURTYARD


def places(notice_id: int, scope: Scope) -> list[NoticePlace]:
    whole = [NoticePlace(notice_id=notice_id, building=b) for b in sorted(scope.buildings)]
    return whole + [
        NoticePlace(notice_id=notice_id, building=b, unit=u) for b, u in sorted(scope.units)
    ]


async def scope_of(session: AsyncSession, notice: Notice) -> Scope:
    rows = (
        await session.execute(
            select(NoticePlace.building, NoticePlace.unit).where(NoticePlace.notice_id == notice.id)
        )
    ).all()
    return Scope.of(
        notice.courtyard_id,
        buildings=[b for b, u in rows if u is None],
        units=[(b, u) for b, u in rows if u is not None],
    )


async def households_in(session: AsyncSession, scope: Scope) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(Household).where(scope.holds())) or 0
    )


def reaches(household_ids: Collection[int]) -> ColumnElement[bool]:
    """The SQL condition on `Notice`: it is for one of these households (whole courtyard, or
    a building or unit of theirs)."""
    if not household_ids:
        return and_(Notice.id.is_(None), Notice.id.is_not(None))
    mine = sorted(household_ids)
    in_courtyard = exists(
        select(Household.id).where(
            Household.id.in_(mine), Household.courtyard_id == Notice.courtyard_id
        )
    )
    in_place = exists(
        select(NoticePlace.id)
        .join(
            Household,
            and_(
                Household.building == NoticePlace.building,
                or_(NoticePlace.unit.is_(None), NoticePlace.unit == Household.unit),
            ),
        )
        .where(
            NoticePlace.notice_id == Notice.id,
            Household.id.in_(mine),
            Household.courtyard_id == Notice.courtyard_id,
        )
    )
    return or_(and_(Notice.scope_kind == NoticeScopeKind.COURTYARD, in_courtyard), in_place)


def _key(name: str) -> tuple[int, str]:
    return _natural((name, 0))


def labels(scope: Scope) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The scope's buildings and units in order, for a notice's "for whom" line."""
    buildings = tuple(sorted(scope.buildings, key=_key))
    units = tuple(sorted(scope.units, key=lambda bu: (_key(bu[0]), _key(bu[1]))))
    return buildings, units


async def reachable_people(session: AsyncSession, scope: Scope) -> int:
    """Approved members in scope on Telegram who have not blocked the bot (each once)."""
    return int(
        await session.scalar(
            select(func.count(func.distinct(Membership.user_id)))
            .join(Household, Household.id == Membership.household_id)
            .join(User, User.id == Membership.user_id)
            .where(
                scope.holds(),
                Membership.status == MembershipStatus.APPROVED,
                User.telegram_id.is_not(None),
                User.blocked == false(),
            )
        )
        or 0
    )
