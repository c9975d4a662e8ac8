"""The organizer's check-in list: per slot, who has a place (name, room, arrived or not) and
who waits; checking someone in; the same list as rows for a spreadsheet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import Household, Signup, SignupStatus, User
from services import events
from services.access import Actor, require
from services.errors import NotFound
from services.signups import queries
from services.signups.permissions import ORGANIZERS, ROSTER_READERS
from services.signups.queries import GatheringInfo, SlotInfo


@dataclass(frozen=True)
class Entry:
    signup_id: int
    name: str
    room: str  # the household's label, e.g. 2号楼-1单元-501
    status: SignupStatus
    queue_no: int | None
    checked_in: bool
    signed_by: str | None  # the grid leader who signed her up, if not herself


@dataclass(frozen=True)
class SlotRoster:
    slot: SlotInfo
    booked: tuple[Entry, ...]
    waiting: tuple[Entry, ...]

    @property
    def arrived(self) -> int:
        return sum(e.checked_in for e in self.booked)


@dataclass(frozen=True)
class Roster:
    gathering: GatheringInfo
    slots: tuple[SlotRoster, ...]

    def of(self, slot_id: int) -> SlotRoster | None:
        return next((s for s in self.slots if s.slot.id == slot_id), None)


async def roster(session: AsyncSession, actor: Actor, gathering_id: int) -> Roster:
    """Every slot with its people, in slot order; the waiting list in its order. One query."""
    info = await queries.details(session, gathering_id)
    require(actor, ROSTER_READERS, info.courtyard_id)
    signer = aliased(User)
    rows = (
        await session.execute(
            select(Signup, User.name, Household, signer.name)
            .join(User, User.id == Signup.user_id)
            .join(signer, signer.id == Signup.signed_by)
            .outerjoin(Household, Household.id == Signup.household_id)
            .where(
                Signup.gathering_id == gathering_id,
                Signup.status.in_([SignupStatus.BOOKED, SignupStatus.WAITING]),
            )
            .order_by(Signup.slot_id, Signup.queue_no, Signup.id)
        )
    ).all()
    by_slot: dict[int, list[Entry]] = {}
    for signup, name, home, signed_by in rows:
        by_slot.setdefault(signup.slot_id, []).append(
            Entry(
                signup_id=signup.id,
                name=name,
                room=home.label() if home is not None else "",
                status=signup.status,
                queue_no=signup.queue_no,
                checked_in=signup.checked_in_at is not None,
                signed_by=signed_by if signup.signed_by != signup.user_id else None,
            )
        )
    slots = []
    for slot in info.slots:
        entries = by_slot.get(slot.id, [])
        booked = sorted(
            (e for e in entries if e.status is SignupStatus.BOOKED), key=lambda e: e.signup_id
        )
        waiting = [e for e in entries if e.status is SignupStatus.WAITING]
        slots.append(SlotRoster(slot, tuple(booked), tuple(waiting)))
    return Roster(info, tuple(slots))


async def check_in(session: AsyncSession, actor: Actor, signup_id: int, now: datetime) -> bool:
    """Mark that she came; False if she was already checked in."""
    signup = await session.get(Signup, signup_id)
    if signup is None or signup.status is not SignupStatus.BOOKED:
        raise NotFound()
    gathering = await queries.gathering(session, signup.gathering_id)
    require(actor, ORGANIZERS, gathering.courtyard_id)
    result = await session.execute(
        update(Signup)
        .where(
            Signup.id == signup_id,
            Signup.status == SignupStatus.BOOKED,
            Signup.checked_in_at.is_(None),
        )
        .values(checked_in_at=now, checked_in_by=actor.user_id)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return False
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="signup",
        subject_id=signup_id,
        action="checked_in",
        courtyard_id=gathering.courtyard_id,
        data={"gathering_id": gathering.id, "slot_id": signup.slot_id, "user_id": signup.user_id},
    )
    return True


async def gathering_of(session: AsyncSession, signup_id: int) -> int:
    gathering_id = await session.scalar(select(Signup.gathering_id).where(Signup.id == signup_id))
    if gathering_id is None:
        raise NotFound()
    return int(gathering_id)
