"""Gatherings as the views see them: details with slot counts, the open ones a person may
sign up for, and a person's own sign-ups with their slot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import (
    Courtyard,
    Gathering,
    GatheringSlot,
    GatheringStatus,
    Household,
    Membership,
    MembershipStatus,
    Signup,
    SignupStatus,
    User,
)
from services.access import Actor, require
from services.audiences import Scope
from services.errors import NotFound
from services.signups.permissions import ORGANIZERS


@dataclass(frozen=True)
class SlotInfo:
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    taken: int
    waiting: int

    @property
    def free(self) -> int:
        return self.capacity - self.taken


@dataclass(frozen=True)
class GatheringInfo:
    id: int
    courtyard_id: int
    courtyard: str
    title: str
    place: str
    description: str
    status: GatheringStatus
    starts_at: datetime
    ends_at: datetime
    notice_id: int | None
    slots: tuple[SlotInfo, ...]

    @property
    def places(self) -> int:
        return sum(s.capacity for s in self.slots)

    @property
    def taken(self) -> int:
        return sum(s.taken for s in self.slots)

    def slot(self, slot_id: int) -> SlotInfo | None:
        return next((s for s in self.slots if s.id == slot_id), None)


@dataclass(frozen=True)
class MySignup:
    """A sign-up of one person, with its slot; `position` in the waiting list (1 = next)."""

    id: int
    gathering_id: int
    title: str
    place: str
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    status: SignupStatus
    position: int | None
    name: str
    checked_in: bool


def scope_of(gathering: Gathering) -> Scope:
    return Scope.of(
        gathering.courtyard_id,
        buildings=gathering.buildings,
        units=[(b, u) for b, u in gathering.units],
    )


def span(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> str:
    """A slot as people say it, language-neutral: "12-06 9:15-9:30"."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    return f"{start:%m-%d} {start.hour}:{start:%M}-{end.hour}:{end:%M}"


async def gathering(session: AsyncSession, gathering_id: int) -> Gathering:
    found = await session.get(Gathering, gathering_id)
    if found is None:
        raise NotFound()
    return found


async def details(session: AsyncSession, gathering_id: int) -> GatheringInfo:
    await gathering(session, gathering_id)  # NotFound first
    return (await details_of(session, [gathering_id]))[0]


async def details_of(session: AsyncSession, gathering_ids: list[int]) -> list[GatheringInfo]:
    """Several gatherings with their slots and waiting lists, in the order given: three
    queries, whatever their number."""
    if not gathering_ids:
        return []
    rows = (
        await session.execute(
            select(Gathering, Courtyard.name)
            .join(Courtyard, Courtyard.id == Gathering.courtyard_id)
            .where(Gathering.id.in_(gathering_ids))
            .execution_options(populate_existing=True)
        )
    ).all()
    waiting = dict(
        (
            await session.execute(
                select(Signup.slot_id, func.count())
                .where(
                    Signup.gathering_id.in_(gathering_ids),
                    Signup.status == SignupStatus.WAITING,
                )
                .group_by(Signup.slot_id)
            )
        )
        .tuples()
        .all()
    )
    slots: dict[int, list[SlotInfo]] = {}
    for s in await session.scalars(
        select(GatheringSlot)
        .where(GatheringSlot.gathering_id.in_(gathering_ids))
        .order_by(GatheringSlot.starts_at)
        .execution_options(populate_existing=True)
    ):
        slots.setdefault(s.gathering_id, []).append(
            SlotInfo(s.id, s.starts_at, s.ends_at, s.capacity, s.taken, int(waiting.get(s.id, 0)))
        )
    found = {
        row.id: GatheringInfo(
            id=row.id,
            courtyard_id=row.courtyard_id,
            courtyard=name,
            title=row.title,
            place=row.place,
            description=row.description,
            status=row.status,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            notice_id=row.notice_id,
            slots=tuple(slots.get(row.id, ())),
        )
        for row, name in rows
    }
    return [found[i] for i in gathering_ids if i in found]


async def in_scope_households(
    session: AsyncSession, gathering: Gathering, household_ids: list[int]
) -> list[int]:
    """Which of these households the gathering is for."""
    if not household_ids:
        return []
    rows = await session.scalars(
        select(Household.id)
        .where(scope_of(gathering).holds(), Household.id.in_(household_ids))
        .order_by(Household.id)
    )
    return list(rows)


async def open_for(session: AsyncSession, actor: Actor, now: datetime) -> list[GatheringInfo]:
    """Gatherings still ahead that the person may sign up for (her households in scope) or
    organizes (a grid leader's courtyards), soonest first."""
    led = actor.courtyards_as(ORGANIZERS)
    query = select(Gathering).where(
        Gathering.status == GatheringStatus.OPEN, Gathering.ends_at > now
    )
    if led is not None:
        yards = set(led) | set(actor.households.values())
        query = query.where(Gathering.courtyard_id.in_(yards))
    rows = (await session.scalars(query.order_by(Gathering.starts_at, Gathering.id))).all()
    homes = (
        await session.execute(
            select(Household.courtyard_id, Household.building, Household.unit).where(
                Household.id.in_(list(actor.households))
            )
        )
    ).all()

    def for_her(row: Gathering) -> bool:
        if led is None or row.courtyard_id in led:
            return True
        scope = scope_of(row)
        return any(scope.includes(c, b, u) for c, b, u in homes)

    return await details_of(session, [row.id for row in rows if for_her(row)])


async def signups_of(
    session: AsyncSession, user_id: int, now: datetime, gathering_id: int | None = None
) -> list[MySignup]:
    """A person's sign-ups (places and waiting-list places) for slots still ahead."""
    return await _signups(session, now, user_id=user_id, gathering_id=gathering_id)


async def signup(session: AsyncSession, actor: Actor, signup_id: int, now: datetime) -> MySignup:
    """One sign-up still ahead, for the person or an organizer of its courtyard."""
    found = await _signups(session, now, signup_id=signup_id)
    row = await session.get(Signup, signup_id)
    if not found or row is None:
        raise NotFound()
    if row.user_id != actor.user_id:
        require(actor, ORGANIZERS, (await gathering(session, row.gathering_id)).courtyard_id)
    return found[0]


async def _signups(
    session: AsyncSession,
    now: datetime,
    *,
    user_id: int | None = None,
    gathering_id: int | None = None,
    signup_id: int | None = None,
) -> list[MySignup]:
    before = aliased(Signup)
    ahead = (
        select(func.count())
        .where(
            before.slot_id == Signup.slot_id,
            before.status == SignupStatus.WAITING,
            before.queue_no <= Signup.queue_no,
        )
        .scalar_subquery()
    )
    query = (
        select(Signup, User.name, Gathering.title, Gathering.place, GatheringSlot, ahead)
        .join(User, User.id == Signup.user_id)
        .join(Gathering, Gathering.id == Signup.gathering_id)
        .join(GatheringSlot, GatheringSlot.id == Signup.slot_id)
        .where(
            Signup.status.in_([SignupStatus.BOOKED, SignupStatus.WAITING]),
            Gathering.status != GatheringStatus.CANCELLED,
            GatheringSlot.ends_at > now,
        )
        .order_by(GatheringSlot.starts_at, Signup.id)
    )
    if user_id is not None:
        query = query.where(Signup.user_id == user_id)
    if gathering_id is not None:
        query = query.where(Signup.gathering_id == gathering_id)
    if signup_id is not None:
        query = query.where(Signup.id == signup_id)
    rows = (await session.execute(query)).all()
    return [
        MySignup(
            id=s.id,
            gathering_id=s.gathering_id,
            title=title,
            place=place,
            slot_id=slot.id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            status=s.status,
            position=int(n) if s.status is SignupStatus.WAITING else None,
            name=name,
            checked_in=s.checked_in_at is not None,
        )
        for s, name, title, place, slot, n in rows
    ]


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    on_telegram: bool


async def household_people(session: AsyncSession, household_id: int) -> list[Person]:
    """The approved members of a household, by name (a grid leader signs one of them up)."""
    rows = await session.execute(
        select(User.id, User.name, User.telegram_id)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.household_id == household_id,
            Membership.status == MembershipStatus.APPROVED,
        )
        .order_by(Membership.id)
    )
    return [Person(u, n, t is not None) for u, n, t in rows.tuples().all()]


async def for_viewer(
    session: AsyncSession, actor: Actor, gathering_id: int
) -> tuple[GatheringInfo, bool]:
    """The gathering for someone it is for (a household in scope) or who organizes it; and
    whether they organize it."""
    from services.signups.errors import NotInScope

    row = await gathering(session, gathering_id)
    organizer = actor.has_any(ORGANIZERS, row.courtyard_id)
    if not organizer and not await in_scope_households(session, row, list(actor.households)):
        raise NotInScope()
    return await details(session, gathering_id), organizer
