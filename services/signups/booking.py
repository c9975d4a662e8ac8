"""Signing up (cancelling is in services.signups.cancelling). Capacity is never exceeded,
whatever the concurrency: a place is taken only by one conditional UPDATE (taken < capacity)
on the slot's row, and a person has at most one sign-up per gathering (a unique index over the
sign-ups not cancelled). A full slot offers its waiting list, numbered by another UPDATE of
the slot's row.

Sign-ups are per PERSON, by name: for the elderly's bus-card renewal each person must come
(their card, their photo), so a couple of one household takes two places; a grid leader signs
up a neighbour without a phone by picking her household, then her name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Gathering,
    GatheringSlot,
    GatheringStatus,
    Membership,
    MembershipStatus,
    Signup,
    SignupStatus,
    User,
)
from services import events, outbox
from services.access import Actor, require
from services.errors import Stale
from services.policy import Policy
from services.signups import queries
from services.signups.errors import (
    AlreadySignedUp,
    GatheringNotOpen,
    GatheringOver,
    NotInScope,
    SlotFull,
)
from services.signups.messages import SignedUpForYou
from services.signups.permissions import ORGANIZERS


@dataclass(frozen=True)
class Booked:
    signup_id: int
    status: SignupStatus
    starts_at: datetime
    ends_at: datetime
    position: int | None  # in the waiting list
    name: str


async def _slot(session: AsyncSession, gathering: Gathering, slot_id: int) -> GatheringSlot:
    slot = await session.get(GatheringSlot, slot_id, populate_existing=True)
    if slot is None or slot.gathering_id != gathering.id:
        raise Stale()
    return slot


async def _take_place(session: AsyncSession, slot_id: int) -> bool:
    """The one conditional UPDATE that gives a place: PostgreSQL re-checks `taken < capacity`
    after waiting for a concurrent taker's row lock; SQLite runs writers one at a time."""
    result = await session.execute(
        update(GatheringSlot)
        .where(GatheringSlot.id == slot_id, GatheringSlot.taken < GatheringSlot.capacity)
        .values(taken=GatheringSlot.taken + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def _queue_number(session: AsyncSession, slot_id: int) -> int:
    number = await session.scalar(
        update(GatheringSlot)
        .where(GatheringSlot.id == slot_id)
        .values(queued=GatheringSlot.queued + 1)
        .returning(GatheringSlot.queued)
        .execution_options(synchronize_session=False)
    )
    assert number is not None
    return int(number)


async def _position(session: AsyncSession, signup: Signup) -> int | None:
    """1 for the next in the waiting list."""
    if signup.status is not SignupStatus.WAITING:
        return None
    ahead = await session.scalar(
        select(func.count(Signup.id)).where(
            Signup.slot_id == signup.slot_id,
            Signup.status == SignupStatus.WAITING,
            Signup.queue_no <= signup.queue_no,
        )
    )
    return int(ahead or 0)


async def _home_of(
    session: AsyncSession, actor: Actor, gathering: Gathering, person_id: int, household_id: int
) -> int:
    """The household a person is signed up for: her own (in scope), or, when a grid leader
    acts for her, the one picked, of which she must be an approved member."""
    if person_id == actor.user_id:
        homes = await queries.in_scope_households(session, gathering, list(actor.households))
        if not homes:
            raise NotInScope()
        return household_id if household_id in homes else homes[0]
    require(actor, ORGANIZERS, gathering.courtyard_id)
    member = await session.scalar(
        select(Membership.id).where(
            Membership.user_id == person_id,
            Membership.household_id == household_id,
            Membership.status == MembershipStatus.APPROVED,
        )
    )
    if member is None or not await queries.in_scope_households(session, gathering, [household_id]):
        raise NotInScope()
    return household_id


async def _refuse_second(
    session: AsyncSession, gathering: Gathering, person_id: int, policy: Policy
) -> None:
    row = (
        await session.execute(
            select(User.name, GatheringSlot.starts_at, GatheringSlot.ends_at)
            .join(Signup, Signup.user_id == User.id)
            .join(GatheringSlot, GatheringSlot.id == Signup.slot_id)
            .where(
                Signup.gathering_id == gathering.id,
                Signup.user_id == person_id,
                Signup.status.in_([SignupStatus.BOOKED, SignupStatus.WAITING]),
            )
        )
    ).first()
    if row is not None:
        name, starts_at, ends_at = row
        raise AlreadySignedUp(name=name, slot=queries.span(starts_at, ends_at, policy.timezone))


async def sign_up(
    session: AsyncSession,
    actor: Actor,
    gathering_id: int,
    slot_id: int,
    now: datetime,
    policy: Policy,
    *,
    wait: bool = False,
    person_id: int | None = None,
    household_id: int = 0,
) -> Booked:
    """A place in the slot, or (`wait`) a place in its waiting list when it is full; without
    `wait` a full slot raises SlotFull, so the person can be asked first. `person_id`: a grid
    leader signs up a member of the household `household_id`."""
    gathering = await queries.gathering(session, gathering_id)
    if gathering.status is not GatheringStatus.OPEN:
        raise GatheringNotOpen()
    slot = await _slot(session, gathering, slot_id)
    if slot.starts_at <= now:
        raise GatheringOver()
    person = person_id or actor.user_id
    home = await _home_of(session, actor, gathering, person, household_id)
    await _refuse_second(session, gathering, person, policy)
    try:
        async with session.begin_nested():  # a race lost to oneself undoes the place too
            placed = await _take_place(session, slot.id)
            if not placed and not wait:
                raise SlotFull()
            signup = Signup(
                gathering_id=gathering.id,
                slot_id=slot.id,
                user_id=person,
                household_id=home,
                signed_by=actor.user_id,
                status=SignupStatus.BOOKED if placed else SignupStatus.WAITING,
                queue_no=None if placed else await _queue_number(session, slot.id),
                created_at=now,
                channel=actor.channel,
            )
            session.add(signup)
            await session.flush()
    except IntegrityError:
        await _refuse_second(session, gathering, person, policy)
        raise
    acting_for = person != actor.user_id
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="signup",
        subject_id=signup.id,
        action="signed_up" if placed else "queued",
        courtyard_id=gathering.courtyard_id,
        to_state=signup.status.value,
        data={
            "gathering_id": gathering.id,
            "slot_id": slot.id,
            "user_id": person,
            "household_id": home,
            "acting_for": person if acting_for else None,
        },
    )
    name = await session.scalar(select(User.name).where(User.id == person)) or ""
    booked = Booked(
        signup.id,
        signup.status,
        slot.starts_at,
        slot.ends_at,
        await _position(session, signup),
        name,
    )
    if acting_for:
        await outbox.enqueue(
            session,
            SignedUpForYou(**facts(gathering, slot, name), by=actor.name, waiting=not placed),
            dedupe_key=f"signup-for-you:{signup.id}",
            now=now,
            user_id=person,
            quiet=policy.quiet_for(SignedUpForYou.kind),
        )
    return booked


def facts(gathering: Gathering, slot: GatheringSlot, name: str) -> dict[str, object]:
    return {
        "gathering_id": gathering.id,
        "title": gathering.title,
        "place": gathering.place,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "name": name,
    }
