"""Granting and revoking roles (by the service center, through the CLI), and who holds them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import RoleAssignment, User
from services import events, people
from services.access import Role
from services.errors import N_, InvalidInput, NotFound


def parse_role(name: str) -> Role:
    try:
        role = Role(name.strip().lower())
    except ValueError:
        raise InvalidInput(
            N_("Unknown role %(name)s. Roles: %(roles)s."),
            name=name,
            roles=", ".join(r.value for r in Role),
        ) from None
    if role is Role.RESIDENT:
        raise InvalidInput(N_("Residents join through an invite link, not by a grant."))
    return role


async def user_by_telegram_id(
    session: AsyncSession, telegram_id: int, now: datetime, *, create: bool
) -> User:
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        if not create:
            raise NotFound(N_("No user with Telegram id %(id)s."), id=telegram_id)
        # staff may be granted before they first open the bot; their name fills in then
        user = User(telegram_id=telegram_id, name=str(telegram_id), created_at=now)
        session.add(user)
        await session.flush()
    return user


async def grant(
    session: AsyncSession, user: User, role: Role, courtyard_id: int | None, now: datetime
) -> bool:
    exists = await session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == role.value,
            RoleAssignment.courtyard_id.is_(None)
            if courtyard_id is None
            else RoleAssignment.courtyard_id == courtyard_id,
        )
    )
    if exists:
        return False
    session.add(
        RoleAssignment(user_id=user.id, role=role.value, courtyard_id=courtyard_id, granted_at=now)
    )
    events.record(
        session,
        at=now,
        actor=None,
        subject_type="user",
        subject_id=user.id,
        action="role_granted",
        courtyard_id=courtyard_id,
        to_state=role.value,
        channel="cli",
    )
    return True


async def revoke(
    session: AsyncSession, user: User, role: Role, courtyard_id: int | None, now: datetime
) -> bool:
    result = await session.execute(
        delete(RoleAssignment).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == role.value,
            RoleAssignment.courtyard_id.is_(None)
            if courtyard_id is None
            else RoleAssignment.courtyard_id == courtyard_id,
        )
    )
    if not getattr(result, "rowcount", 0):
        return False
    people.actor_changed(session, user.id)  # a bulk DELETE: the ORM does not see it
    events.record(
        session,
        at=now,
        actor=None,
        subject_type="user",
        subject_id=user.id,
        action="role_revoked",
        courtyard_id=courtyard_id,
        from_state=role.value,
        channel="cli",
    )
    return True


async def holders(session: AsyncSession, role: Role, courtyard_id: int) -> list[int]:
    """User ids holding `role` in this courtyard, including holders for all courtyards."""
    rows = await session.scalars(
        select(RoleAssignment.user_id)
        .where(
            RoleAssignment.role == role.value,
            or_(RoleAssignment.courtyard_id == courtyard_id, RoleAssignment.courtyard_id.is_(None)),
        )
        .distinct()
        .order_by(RoleAssignment.user_id)
    )
    return list(rows)
