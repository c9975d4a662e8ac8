"""Courtyards: creating them, their invite codes, and the group chats linked to them."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Courtyard,
    GovernanceKind,
    GroupChat,
    GroupKind,
    Household,
    Membership,
    MembershipStatus,
    OutboxMessage,
    OutboxStatus,
)
from services import events
from services.access import Actor, Role, require
from services.errors import N_, DomainError, InvalidInput, NotFound


class UnknownInvite(DomainError):
    message = N_(
        "This invite link is not valid (any more). Please ask your grid leader for a new one."
    )


class DuplicateCourtyard(DomainError):
    message = N_("A courtyard named %(name)s already exists.")


INVITE_ALPHABET = string.ascii_letters + string.digits


def new_invite_code() -> str:
    # letters and digits only: safe in a deep link and easy to read out; 62^10 is unguessable
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))


async def create_courtyard(
    session: AsyncSession,
    name: str,
    now: datetime,
    *,
    address: str | None = None,
    community: str | None = None,
    governance: GovernanceKind = GovernanceKind.SERVICE_CENTER,
    code: str | None = None,
) -> Courtyard:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(N_("A courtyard needs a name of 1 to 100 characters."))
    if await session.scalar(select(Courtyard.id).where(Courtyard.name == name)):
        raise DuplicateCourtyard(name=name)
    if code is None:
        count = await session.scalar(select(func.count()).select_from(Courtyard)) or 0
        code = f"Y{count + 1:02d}"
        while await session.scalar(select(Courtyard.id).where(Courtyard.code == code)):
            count += 1
            code = f"Y{count + 1:02d}"
    courtyard = Courtyard(
        name=name,
        code=code.upper()[:8],
        address=address,
        community=community,
        governance=governance,
        invite_code=new_invite_code(),
        created_at=now,
    )
    session.add(courtyard)
    await session.flush()
    events.record(
        session,
        at=now,
        actor=None,
        subject_type="courtyard",
        subject_id=courtyard.id,
        action="created",
        courtyard_id=courtyard.id,
        channel="cli",
    )
    return courtyard


async def by_name(session: AsyncSession, name: str) -> Courtyard:
    courtyard = await session.scalar(select(Courtyard).where(Courtyard.name == name.strip()))
    if courtyard is None:
        raise NotFound(N_("There is no courtyard named %(name)s."), name=name)
    return courtyard


async def by_invite(session: AsyncSession, code: str) -> CourtyardInfo:
    row = (
        await session.execute(
            select(Courtyard.id, Courtyard.name, Courtyard.code).where(
                Courtyard.invite_code == code
            )
        )
    ).first()
    if row is None:
        raise UnknownInvite()
    return CourtyardInfo(*row)


async def renew_invite(session: AsyncSession, courtyard: Courtyard, now: datetime) -> str:
    courtyard.invite_code = new_invite_code()
    events.record(
        session,
        at=now,
        actor=None,
        subject_type="courtyard",
        subject_id=courtyard.id,
        action="invite_renewed",
        courtyard_id=courtyard.id,
        channel="cli",
    )
    return courtyard.invite_code


@dataclass(frozen=True)
class CourtyardSummary:
    id: int
    name: str
    code: str
    households: int
    members: int


async def summaries(session: AsyncSession) -> list[CourtyardSummary]:
    households = (
        select(Household.courtyard_id, func.count().label("n"))
        .group_by(Household.courtyard_id)
        .subquery()
    )
    members = (
        select(Household.courtyard_id, func.count(func.distinct(Membership.user_id)).label("n"))
        .join(Membership, Membership.household_id == Household.id)
        .where(Membership.status == MembershipStatus.APPROVED)
        .group_by(Household.courtyard_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            Courtyard.id,
            Courtyard.name,
            Courtyard.code,
            func.coalesce(households.c.n, 0),
            func.coalesce(members.c.n, 0),
        )
        .outerjoin(households, households.c.courtyard_id == Courtyard.id)
        .outerjoin(members, members.c.courtyard_id == Courtyard.id)
        .order_by(Courtyard.id)
    )
    return [CourtyardSummary(*row) for row in rows.all()]


@dataclass(frozen=True)
class CourtyardInfo:
    """A courtyard as the rooms outside services see it."""

    id: int
    name: str
    code: str


async def courtyards_for(session: AsyncSession, ids: set[int] | None) -> list[CourtyardInfo]:
    """Courtyards by id, or all when `ids` is None (a role held everywhere)."""
    query = select(Courtyard.id, Courtyard.name, Courtyard.code).order_by(Courtyard.id)
    if ids is not None:
        query = query.where(Courtyard.id.in_(ids))
    return [CourtyardInfo(*row) for row in (await session.execute(query)).all()]


# ---- group chats -------------------------------------------------------------------------


async def note_group(session: AsyncSession, chat_id: int, title: str, *, active: bool) -> bool:
    """Remember a group the bot was added to (or removed from); unbound until /link. Whether
    it is linked to a courtyard already."""
    return (await _note_group(session, chat_id, title, active=active)).courtyard_id is not None


async def _note_group(
    session: AsyncSession, chat_id: int, title: str, *, active: bool
) -> GroupChat:
    group = await session.get(GroupChat, chat_id)
    if group is None:
        group = GroupChat(chat_id=chat_id, title=title, active=active)
        session.add(group)
    else:
        group.title = title or group.title
        group.active = active
    return group


@dataclass(frozen=True)
class BoundGroup:
    chat_id: int
    courtyard_id: int
    kind: GroupKind


async def bound_group(session: AsyncSession, chat_id: int) -> BoundGroup | None:
    """The courtyard a group chat is linked to, or None for a group nobody has linked."""
    row = (
        await session.execute(
            select(GroupChat.courtyard_id, GroupChat.kind).where(
                GroupChat.chat_id == chat_id,
                GroupChat.courtyard_id.is_not(None),
                GroupChat.active.is_(True),
            )
        )
    ).first()
    if row is None or row.courtyard_id is None or row.kind is None:
        return None
    return BoundGroup(chat_id, row.courtyard_id, row.kind)


async def link_group(
    session: AsyncSession,
    actor: Actor,
    *,
    chat_id: int,
    title: str,
    courtyard_id: int,
    kind: GroupKind,
    now: datetime,
) -> BoundGroup:
    require(actor, (Role.GRID_LEADER, Role.ADMIN), courtyard_id)
    if await session.get(Courtyard, courtyard_id) is None:
        raise NotFound()
    group = await _note_group(session, chat_id, title, active=True)
    before = f"{group.courtyard_id}:{group.kind}" if group.courtyard_id else None
    group.courtyard_id = courtyard_id
    group.kind = kind
    group.linked_by = actor.user_id
    group.linked_at = now
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="group_chat",
        subject_id=None,
        action="linked",
        courtyard_id=courtyard_id,
        from_state=before,
        to_state=f"{courtyard_id}:{kind}",
        data={"chat_id": chat_id},
    )
    return BoundGroup(chat_id, courtyard_id, kind)


async def move_group(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """Telegram upgraded a group to a supergroup, which has a new chat id: the binding and the
    messages waiting for the group go with it. Either chat's announcement may come first."""
    old = await session.get(GroupChat, old_chat_id)
    new = await session.get(GroupChat, new_chat_id)
    if new is None:
        new = GroupChat(chat_id=new_chat_id, title=old.title if old else "", active=True)
        session.add(new)
    if old is not None and new.courtyard_id is None:
        new.courtyard_id, new.kind = old.courtyard_id, old.kind
        new.linked_by, new.linked_at = old.linked_by, old.linked_at
    new.active = True
    if old is not None:
        old.active = False
    await session.flush()
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.chat_id == old_chat_id,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        )
        .values(chat_id=new_chat_id)
    )
