"""Joining a courtyard: choosing a room, asking to belong to it, and a grid leader's answer."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, Household, Membership, MembershipStatus, Relation, User
from services import audiences, events, outbox, phones, roles
from services.access import Actor, Role, require
from services.courtyards import UnknownInvite
from services.errors import N_, DomainError, InvalidInput, NotFound
from services.membership_messages import (
    MembershipApproved,
    MembershipRegistered,
    MembershipRejected,
    MembershipRequested,
    PendingDigest,
    WaitingRequests,
)
from services.policy import Policy

LEADER_ROLES = (Role.GRID_LEADER, Role.ADMIN)
REQUESTED = MembershipRequested.kind  # outbox kind: a join request, to the grid leaders


class AlreadyRequested(DomainError):
    message = N_("You have already asked to join %(household)s. A grid leader will answer soon.")


class AlreadyMember(DomainError):
    message = N_("You already belong to %(household)s.")


class AlreadyDecided(DomainError):
    message = N_("This request was already answered (%(status)s).")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort '2' before '10' and '3号楼' before '12号楼'."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


async def buildings(session: AsyncSession, courtyard_id: int) -> list[str]:
    rows = await session.scalars(
        select(Household.building).where(Household.courtyard_id == courtyard_id).distinct()
    )
    return sorted(rows, key=natural_key)


async def units(session: AsyncSession, courtyard_id: int, building: str) -> list[str]:
    rows = await session.scalars(
        select(Household.unit)
        .where(Household.courtyard_id == courtyard_id, Household.building == building)
        .distinct()
    )
    return sorted(rows, key=natural_key)


async def rooms(
    session: AsyncSession, courtyard_id: int, building: str, unit: str
) -> list[Household]:
    rows = await session.scalars(
        select(Household).where(
            Household.courtyard_id == courtyard_id,
            Household.building == building,
            Household.unit == unit,
        )
    )
    return sorted(rows, key=lambda h: natural_key(h.room))


async def household(session: AsyncSession, household_id: int) -> Household:
    found = await session.get(Household, household_id)
    if found is None:
        raise NotFound()
    return found


async def check_invite(session: AsyncSession, courtyard_id: int, invite: str) -> None:
    """The proof a joiner carries at every step: the courtyard's current invite code."""
    code = await session.scalar(select(Courtyard.invite_code).where(Courtyard.id == courtyard_id))
    if not invite or code != invite:
        raise UnknownInvite()


@dataclass(frozen=True)
class Member:
    name: str
    relation: Relation


async def members(session: AsyncSession, household_id: int) -> list[Member]:
    """Who is approved for a household now, in the order they came."""
    rows = await session.execute(
        select(User.name, Membership.relation)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.household_id == household_id,
            Membership.status == MembershipStatus.APPROVED,
        )
        .order_by(Membership.id)
    )
    return [Member(name, relation) for name, relation in rows.all()]


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


async def registered_match(
    session: AsyncSession, household_id: int, name: str, phone: str | None
) -> User | None:
    """A neighbour a grid leader registered for this household without Telegram, whom this
    name or phone matches: a Telegram join by them links up with that record."""
    offline = await session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.household_id == household_id,
            Membership.status == MembershipStatus.APPROVED,
            User.telegram_id.is_(None),
        )
        .order_by(Membership.id)
    )
    for person in offline:
        if _same_name(person.name, name) or (phone and person.phone == phone):
            return person
    return None


async def leader_names(session: AsyncSession, courtyard_id: int) -> list[str]:
    ids = await deciders(session, courtyard_id)
    if not ids:
        return []
    rows = await session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    names: dict[int, str] = dict(rows.tuples().all())
    return [names[i] for i in ids if i in names]


async def deciders(session: AsyncSession, courtyard_id: int) -> list[int]:
    """Who answers join requests of a courtyard: its grid leaders, or, while nobody leads it
    yet, the service center."""
    return [
        r.user_id for r in await audiences.leaders_or_admins(session, courtyard_id) if r.user_id
    ]


@dataclass(frozen=True)
class JoinRequest:
    membership_id: int
    courtyard_name: str
    household_label: str
    relation: Relation
    leaders_notified: int


async def request(
    session: AsyncSession,
    actor: Actor,
    household_id: int,
    relation: Relation,
    now: datetime,
    policy: Policy,
    *,
    invite: str,
) -> JoinRequest:
    home = await household(session, household_id)
    await check_invite(session, home.courtyard_id, invite)
    courtyard = await session.get(Courtyard, home.courtyard_id)
    assert courtyard is not None
    mine = await session.scalars(
        select(Membership).where(
            Membership.user_id == actor.user_id,
            Membership.household_id == household_id,
            Membership.status.in_([MembershipStatus.PENDING, MembershipStatus.APPROVED]),
        )
    )
    for existing in mine:
        if existing.status is MembershipStatus.APPROVED:
            raise AlreadyMember(household=home.label())
        raise AlreadyRequested(household=home.label())
    membership = Membership(
        user_id=actor.user_id,
        household_id=household_id,
        relation=relation,
        status=MembershipStatus.PENDING,
        requested_at=now,
        channel=actor.channel,
    )
    session.add(membership)
    await session.flush()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="membership",
        subject_id=membership.id,
        action="requested",
        courtyard_id=courtyard.id,
        to_state=MembershipStatus.PENDING.value,
    )
    leaders = await audiences.leaders_or_admins(session, courtyard.id)
    await outbox.enqueue_many(
        session,
        await card(session, membership.id),
        leaders,
        dedupe_key=lambda leader: f"membership-requested:{membership.id}:{leader.user_id}",
        now=now,
        quiet=policy,
    )
    return JoinRequest(membership.id, courtyard.name, home.label(), relation, len(leaders))


async def card(session: AsyncSession, membership_id: int) -> MembershipRequested:
    """What a grid leader sees to decide a request (also the outbox payload that brings it):
    who asks, for which room, who already lives there, and a registered neighbour the asker
    looks like."""
    membership = await session.get(Membership, membership_id)
    if membership is None:
        raise NotFound()
    home = await household(session, membership.household_id)
    courtyard = await session.get(Courtyard, home.courtyard_id)
    person = await session.get(User, membership.user_id)
    assert courtyard is not None
    assert person is not None
    match = await registered_match(session, home.id, person.name, person.phone)
    return MembershipRequested(
        membership_id=membership.id,
        name=person.name,
        courtyard=courtyard.name,
        household=home.label(),
        relation=membership.relation,
        area_centi_m2=home.area_centi_m2,
        owner_name=home.owner_name,
        requested_at=membership.requested_at,
        members=tuple((m.name, m.relation) for m in await members(session, home.id)),
        recognised=match.name if match is not None else None,
    )


@dataclass(frozen=True)
class Decision:
    membership_id: int
    approved: bool
    person: str
    household_label: str
    courtyard_name: str


async def may_decide(session: AsyncSession, actor: Actor, membership_id: int) -> None:
    """The actor leads the courtyard of this request, and it still waits."""
    membership = await session.get(Membership, membership_id)
    if membership is None:
        raise NotFound()
    home = await household(session, membership.household_id)
    require(actor, LEADER_ROLES, home.courtyard_id)
    if membership.status is not MembershipStatus.PENDING:
        raise AlreadyDecided(status=membership.status.value)


async def decide(
    session: AsyncSession,
    actor: Actor,
    membership_id: int,
    approve: bool,
    now: datetime,
    *,
    reason: str | None = None,
) -> Decision:
    """Approve, or reject with a `reason` (one of REJECT_REASONS, or the leader's words).
    Approving someone who matches a neighbour registered without Telegram links the two:
    one person, not a second one."""
    membership = await session.get(Membership, membership_id)
    if membership is None:
        raise NotFound()
    home = await household(session, membership.household_id)
    require(actor, LEADER_ROLES, home.courtyard_id)
    if membership.status is not MembershipStatus.PENDING:
        raise AlreadyDecided(status=membership.status.value)
    courtyard = await session.get(Courtyard, home.courtyard_id)
    person = await session.get(User, membership.user_id)
    assert courtyard is not None
    assert person is not None
    if not approve:
        reason = (reason or "").strip()
        if not reason or len(reason) > 200:
            raise InvalidInput(N_("Please give a reason of 1 to 200 characters."))
    linked = None
    if approve:
        linked = await registered_match(session, home.id, person.name, person.phone)
        if linked is not None:
            await _link(session, linked, person, home.id)
    before = membership.status
    membership.status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
    membership.decided_by = actor.user_id
    membership.decided_at = now
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="membership",
        subject_id=membership.id,
        action="approved" if approve else "rejected",
        courtyard_id=courtyard.id,
        from_state=before.value,
        to_state=membership.status.value,
        data={"reason": reason} if reason else ({"linked": linked.id} if linked else {}),
    )
    answer: MembershipApproved | MembershipRejected
    if approve:
        answer = MembershipApproved(
            courtyard=courtyard.name,
            household=home.label(),
            leader=actor.name,
            roles=await roles.held(session, person),
        )
    else:
        answer = MembershipRejected(
            courtyard=courtyard.name, household=home.label(), leader=actor.name, reason=reason
        )
    await outbox.enqueue(
        session,
        answer,
        dedupe_key=f"{answer.kind}:{membership.id}",
        now=now,
        user_id=person.id,
    )
    return Decision(membership.id, approve, person.name, home.label(), courtyard.name)


async def _link(session: AsyncSession, registered: User, person: User, household_id: int) -> None:
    """The registered neighbour is this Telegram user: their other homes come along, their
    phone is kept, and the record without Telegram goes (its place here is the request)."""
    for other in await session.scalars(
        select(Membership).where(Membership.user_id == registered.id)
    ):
        if other.household_id == household_id:
            await session.delete(other)
        else:
            other.user_id = person.id
    if person.phone is None:
        person.phone = registered.phone
    await session.flush()
    await session.delete(registered)
    await session.flush()


@dataclass(frozen=True)
class PendingRequest:
    membership_id: int
    courtyard_name: str
    household_label: str
    person: str
    relation: Relation
    requested_at: datetime


async def pending(
    session: AsyncSession,
    actor: Actor,
    *,
    older_than: datetime | None = None,
) -> list[PendingRequest]:
    """Pending requests in the courtyards this leader leads, oldest first."""
    require(actor, LEADER_ROLES)
    courtyard_ids = actor.courtyards_as(LEADER_ROLES)
    query = (
        select(Membership, Household, Courtyard.name, User.name)
        .join(Household, Household.id == Membership.household_id)
        .join(Courtyard, Courtyard.id == Household.courtyard_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.status == MembershipStatus.PENDING)
        .order_by(Membership.requested_at, Membership.id)
    )
    if courtyard_ids is not None:
        query = query.where(Household.courtyard_id.in_(courtyard_ids))
    if older_than is not None:
        query = query.where(Membership.requested_at <= older_than)
    rows = await session.execute(query)
    return [
        PendingRequest(m.id, cname, h.label(), uname, m.relation, m.requested_at)
        for m, h, cname, uname in rows.all()
    ]


async def register(
    session: AsyncSession,
    actor: Actor,
    *,
    household_id: int,
    name: str,
    relation: Relation,
    now: datetime,
    phone: str | None = None,
    telegram_id: int | None = None,
) -> Membership:
    """A grid leader registers a neighbour directly: approved at once, decided by the leader.
    `telegram_id` is for the demo's people; in the chat a neighbour on Telegram links up later
    by joining (see `registered_match`)."""
    home = await household(session, household_id)
    require(actor, LEADER_ROLES, home.courtyard_id)
    name = valid_name(name)
    phone = phones.normalize(phone) if phone else None
    person: User | None = None
    if telegram_id is not None:
        person = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if person is None:
        person = User(telegram_id=telegram_id, name=name, phone=phone, created_at=now)
        session.add(person)
        await session.flush()
    existing = await session.scalar(
        select(Membership).where(
            Membership.user_id == person.id,
            Membership.household_id == household_id,
            Membership.status.in_([MembershipStatus.PENDING, MembershipStatus.APPROVED]),
        )
    )
    if existing is not None and existing.status is MembershipStatus.APPROVED:
        raise AlreadyMember(household=home.label())
    membership = existing or Membership(
        user_id=person.id, household_id=household_id, relation=relation, requested_at=now
    )
    membership.status = MembershipStatus.APPROVED
    membership.relation = relation
    membership.decided_by = actor.user_id
    membership.decided_at = now
    membership.channel = "grid_leader"
    session.add(membership)
    await session.flush()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="membership",
        subject_id=membership.id,
        action="registered_by_leader",
        courtyard_id=home.courtyard_id,
        to_state=MembershipStatus.APPROVED.value,
        channel="grid_leader",
    )
    courtyard = await session.get(Courtyard, home.courtyard_id)
    assert courtyard is not None
    await outbox.enqueue(
        session,
        MembershipRegistered(
            courtyard=courtyard.name,
            household=home.label(),
            leader=actor.name,
            roles=await roles.held(session, person),
        ),
        dedupe_key=f"membership-registered:{membership.id}",
        now=now,
        user_id=person.id,
    )
    return membership


def valid_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or name.startswith("/"):
        raise InvalidInput(N_("Please give a name of 1 to 100 characters."))
    return name


@dataclass(frozen=True)
class Waiting:
    """A request of one's own that waits: for which room, since when, with whom."""

    courtyard_name: str
    household_label: str
    requested_at: datetime
    leaders: list[str]


async def waiting(session: AsyncSession, actor: Actor) -> list[Waiting]:
    rows = await session.execute(
        select(Membership.requested_at, Household, Courtyard.name)
        .join(Household, Household.id == Membership.household_id)
        .join(Courtyard, Courtyard.id == Household.courtyard_id)
        .where(Membership.user_id == actor.user_id, Membership.status == MembershipStatus.PENDING)
        .order_by(Membership.requested_at)
    )
    return [
        Waiting(name, home.label(), at, await leader_names(session, home.courtyard_id))
        for at, home, name in rows.all()
    ]


async def pending_digest(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Tell whoever decides (see `deciders`), once a day, of requests waiting over a day.

    Returns the outbox rows written."""
    cutoff = now - timedelta(days=1)
    rows = await session.execute(
        select(Membership.id, Household.courtyard_id, Courtyard.name, Membership.requested_at)
        .join(Household, Household.id == Membership.household_id)
        .join(Courtyard, Courtyard.id == Household.courtyard_id)
        .where(Membership.status == MembershipStatus.PENDING, Membership.requested_at <= cutoff)
    )
    per_courtyard: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    for _id, courtyard_id, courtyard_name, requested_at in rows.all():
        per_courtyard[(courtyard_id, courtyard_name)].append(requested_at)
    per_leader: dict[outbox.Recipient, list[WaitingRequests]] = defaultdict(list)
    for (courtyard_id, courtyard_name), times in sorted(per_courtyard.items()):
        for leader in await audiences.leaders_or_admins(session, courtyard_id):
            per_leader[leader].append(
                WaitingRequests(courtyard=courtyard_name, count=len(times), oldest=min(times))
            )
    day = policy.local(now).date().isoformat()
    return await outbox.enqueue_many(
        session,
        lambda leader: PendingDigest(items=tuple(per_leader[leader])),
        per_leader,
        dedupe_key=lambda leader: f"pending-digest:{leader.user_id}:{day}",
        now=now,
        quiet=policy,
    )
