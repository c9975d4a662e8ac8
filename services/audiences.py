"""Who a message is for: a courtyard's grid leaders, admins, staff by role, the members of the
households in a scope, the households nobody can be reached for, the courtyard's group chats.

Each audience is one query; hand the result to `outbox.enqueue_many` to write one row each."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    GroupChat,
    GroupKind,
    Household,
    Membership,
    MembershipStatus,
    RoleAssignment,
    User,
)
from services.access import Role
from services.outbox import Recipient


@dataclass(frozen=True)
class Scope:
    """Households of one courtyard: all of them, or those in some buildings and/or units.

    `buildings`: whole buildings by name; `units`: (building, unit) pairs. With neither, the
    whole courtyard; with both, the households in any of them."""

    courtyard_id: int
    buildings: frozenset[str] = field(default_factory=frozenset)
    units: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls,
        courtyard_id: int,
        *,
        buildings: Collection[str] = (),
        units: Collection[tuple[str, str]] = (),
    ) -> Scope:
        return cls(courtyard_id, frozenset(buildings), frozenset(units))

    def holds(self) -> ColumnElement[bool]:
        """The SQL condition on `Household` for a household in this scope."""
        parts: list[ColumnElement[bool]] = []
        if self.buildings:
            parts.append(Household.building.in_(sorted(self.buildings)))
        parts.extend(
            and_(Household.building == building, Household.unit == unit)
            for building, unit in sorted(self.units)
        )
        place = or_(*parts) if parts else true()
        return and_(Household.courtyard_id == self.courtyard_id, place)

    def includes(self, courtyard_id: int, building: str, unit: str) -> bool:
        """The same rule as `holds`, for a household already at hand."""
        if courtyard_id != self.courtyard_id:
            return False
        if not self.buildings and not self.units:
            return True
        return building in self.buildings or (building, unit) in self.units


def _people(user_ids: Collection[int]) -> list[Recipient]:
    return [Recipient(user_id=u) for u in user_ids]


def _held(roles: Collection[Role], courtyard_id: int | None) -> ColumnElement[bool]:
    """Assignments of these roles in the courtyard (and for all courtyards); only those for
    all courtyards when `courtyard_id` is None."""
    where: ColumnElement[bool] = RoleAssignment.courtyard_id.is_(None)
    if courtyard_id is not None:
        where = or_(RoleAssignment.courtyard_id == courtyard_id, where)
    return and_(RoleAssignment.role.in_([r.value for r in roles]), where)


async def staff(session: AsyncSession, role: Role, courtyard_id: int) -> list[Recipient]:
    """Who holds `role` in this courtyard, including holders for every courtyard."""
    rows = await session.scalars(
        select(RoleAssignment.user_id)
        .where(_held([role], courtyard_id))
        .distinct()
        .order_by(RoleAssignment.user_id)
    )
    return _people(list(rows))


async def grid_leaders(session: AsyncSession, courtyard_id: int) -> list[Recipient]:
    return await staff(session, Role.GRID_LEADER, courtyard_id)


async def admins(session: AsyncSession, courtyard_id: int | None = None) -> list[Recipient]:
    """The service center: admins of this courtyard and of all; only the latter with None."""
    rows = await session.scalars(
        select(RoleAssignment.user_id)
        .where(_held([Role.ADMIN], courtyard_id))
        .distinct()
        .order_by(RoleAssignment.user_id)
    )
    return _people(list(rows))


async def leaders_or_admins(session: AsyncSession, courtyard_id: int) -> list[Recipient]:
    """The courtyard's grid leaders; while nobody leads it, the service center (its admins)."""
    rows = (
        await session.execute(
            select(RoleAssignment.role, RoleAssignment.user_id)
            .where(_held([Role.GRID_LEADER, Role.ADMIN], courtyard_id))
            .distinct()
            .order_by(RoleAssignment.user_id)
        )
    ).all()
    leaders = [u for role, u in rows if role == Role.GRID_LEADER.value]
    return _people(leaders or [u for role, u in rows if role == Role.ADMIN.value])


def members_query(scope: Scope) -> Select[tuple[int]]:
    """The user ids of the approved members in scope (for `outbox.enqueue_select`)."""
    return (
        select(Membership.user_id)
        .join(Household, Household.id == Membership.household_id)
        .where(scope.holds(), Membership.status == MembershipStatus.APPROVED)
        .distinct()
    )


async def members(session: AsyncSession, scope: Scope) -> list[Recipient]:
    """The approved members of the households in scope, each person once."""
    rows = await session.scalars(members_query(scope).order_by(Membership.user_id))
    return _people(list(rows))


async def household_members(session: AsyncSession, household_id: int) -> list[Recipient]:
    """The approved members of one household (a receipt, an answer to its claim)."""
    rows = await session.scalars(
        select(Membership.user_id)
        .where(
            Membership.household_id == household_id,
            Membership.status == MembershipStatus.APPROVED,
        )
        .distinct()
        .order_by(Membership.user_id)
    )
    return _people(list(rows))


async def members_by_household(
    session: AsyncSession, household_ids: Collection[int]
) -> dict[int, list[Recipient]]:
    """The approved members of each of these households (one query per 1000 households), for
    messages that say something different to each household."""
    ids = sorted(set(household_ids))
    found: dict[int, list[Recipient]] = {}
    for start in range(0, len(ids), 1000):
        rows = await session.execute(
            select(Membership.household_id, Membership.user_id)
            .where(
                Membership.household_id.in_(ids[start : start + 1000]),
                Membership.status == MembershipStatus.APPROVED,
            )
            .distinct()
            .order_by(Membership.household_id, Membership.user_id)
        )
        for household_id, user_id in rows.tuples():
            found.setdefault(household_id, []).append(Recipient(user_id=user_id))
    return found


@dataclass(frozen=True)
class OfflineHousehold:
    """A household as an audience lists it (for a grid leader's visit list)."""

    id: int
    building: str
    unit: str
    room: str
    label: str
    owner_name: str | None
    phone: str | None


async def unreachable(session: AsyncSession, scope: Scope) -> list[OfflineHousehold]:
    """Households in scope that no message reaches: no approved member who is on Telegram
    and has not blocked the bot. A grid leader visits or calls them instead."""
    reachable = exists(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.household_id == Household.id,
            Membership.status == MembershipStatus.APPROVED,
            User.telegram_id.is_not(None),
            User.blocked == false(),
        )
    )
    rows = await session.scalars(
        select(Household).where(scope.holds(), ~reachable).order_by(Household.id)
    )
    return [
        OfflineHousehold(h.id, h.building, h.unit, h.room, h.label(), h.owner_name, h.phone)
        for h in rows
    ]


async def group_chats(session: AsyncSession, courtyard_id: int, kind: GroupKind) -> list[Recipient]:
    """The courtyard's linked, active group chats of this kind (residents' or staff)."""
    rows = await session.scalars(
        select(GroupChat.chat_id)
        .where(GroupChat.courtyard_id == courtyard_id, GroupChat.kind == kind, GroupChat.active)
        .order_by(GroupChat.chat_id)
    )
    return [Recipient(chat_id=c) for c in rows]
