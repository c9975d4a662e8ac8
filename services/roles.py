"""Granting and revoking roles (by the service center, through the CLI), and who holds them.

The person is told of a grant or revoke through the outbox, with the menu their roles now give."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, Event, RoleAssignment, User
from services import audiences, events, outbox, people
from services.access import Role
from services.errors import N_, InvalidInput, NotFound
from services.outbox import OutboxPayload


class RoleChanged(OutboxPayload):
    """To the person: a role was granted or revoked; `roles` (all they hold now) chooses the
    menu the message brings."""

    kind: ClassVar[str] = "role.changed"
    role: Role
    granted: bool
    courtyard: str | None  # None: every courtyard
    roles: tuple[Role, ...]


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
    session: AsyncSession,
    user: User,
    role: Role,
    courtyard_id: int | None,
    now: datetime,
    *,
    tell: bool = True,
) -> bool:
    """Give `user` the role (in one courtyard, or all with None); False if they held it.
    `tell`: message them, with their new menu (not when a store is being set up)."""
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
    event = events.record(
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
    if tell:
        await _tell(session, user, role, courtyard_id, granted=True, now=now, event=event)
    return True


async def revoke(
    session: AsyncSession,
    user: User,
    role: Role,
    courtyard_id: int | None,
    now: datetime,
    *,
    tell: bool = True,
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
    event = events.record(
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
    if tell:
        await _tell(session, user, role, courtyard_id, granted=False, now=now, event=event)
    return True


async def _tell(
    session: AsyncSession,
    user: User,
    role: Role,
    courtyard_id: int | None,
    *,
    granted: bool,
    now: datetime,
    event: Event,
) -> None:
    courtyard = await session.get(Courtyard, courtyard_id) if courtyard_id is not None else None
    held_now = await held(session, user)  # flushes: the event gets its id
    await outbox.enqueue(
        session,
        RoleChanged(
            role=role,
            granted=granted,
            courtyard=courtyard.name if courtyard else None,
            roles=held_now,
        ),
        dedupe_key=f"role-changed:{event.id}",
        now=now,
        user_id=user.id,
    )


async def held(session: AsyncSession, user: User) -> tuple[Role, ...]:
    """What the person holds now (their households included), so the message that tells them
    of a change can carry their new menu."""
    await session.flush()
    return tuple(sorted((await people.load_actor(session, user)).roles()))


async def holders(session: AsyncSession, role: Role, courtyard_id: int) -> list[int]:
    """User ids holding `role` in this courtyard, including holders for all courtyards."""
    return [r.user_id for r in await audiences.staff(session, role, courtyard_id) if r.user_id]
