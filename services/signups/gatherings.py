"""Creating and publishing a gathering: the event, its slots in one INSERT, an event row, and
the announcement to the approved members in scope and the residents' group (one INSERT);
closing its sign-up, and calling it off (everyone signed up is told)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Gathering, GatheringSlot, GatheringStatus, GroupKind, Signup, SignupStatus, User
from services import audiences, events, outbox
from services.access import Actor, require
from services.audiences import Scope
from services.errors import Stale
from services.outbox import Recipient
from services.policy import Policy
from services.signups import queries
from services.signups.errors import InvalidTitle
from services.signups.messages import GatheringAnnounced, GatheringCancelled
from services.signups.permissions import ORGANIZERS
from services.signups.schedule import PlannedSlot, check_future

TITLE_LIMIT = 100
PLACE_LIMIT = 100


def clean_line(typed: str, limit: int) -> str:
    """A title or a place: one line, not empty, not too long."""
    text = " ".join(typed.split())
    if not text or len(text) > limit:
        raise InvalidTitle(limit=limit)
    return text


async def create(
    session: AsyncSession,
    actor: Actor,
    *,
    scope: Scope,
    title: str,
    place: str,
    slots: Sequence[PlannedSlot],
    now: datetime,
    description: str = "",
    notice_id: int | None = None,
) -> int:
    """A new open gathering with its slots; not announced yet (see `announce`)."""
    require(actor, ORGANIZERS, scope.courtyard_id)
    check_future(list(slots), now)
    gathering = Gathering(
        courtyard_id=scope.courtyard_id,
        buildings=sorted(scope.buildings),
        units=[list(u) for u in sorted(scope.units)],
        title=clean_line(title, TITLE_LIMIT),
        place=clean_line(place, PLACE_LIMIT),
        description=description.strip(),
        organizer_id=actor.user_id,
        notice_id=notice_id,
        status=GatheringStatus.OPEN,
        starts_at=min(s.starts_at for s in slots),
        ends_at=max(s.ends_at for s in slots),
        created_at=now,
        channel=actor.channel,
    )
    session.add(gathering)
    await session.flush()
    await session.execute(
        insert(GatheringSlot),
        [
            {
                "gathering_id": gathering.id,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "capacity": s.capacity,
                "taken": 0,
                "queued": 0,
            }
            for s in slots
        ],
    )
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="gathering",
        subject_id=gathering.id,
        action="created",
        courtyard_id=gathering.courtyard_id,
        to_state=GatheringStatus.OPEN.value,
        data={"slots": len(slots), "places": sum(s.capacity for s in slots)},
    )
    return gathering.id


async def announce(
    session: AsyncSession, actor: Actor, gathering_id: int, now: datetime, policy: Policy
) -> int:
    """Tell the approved members in scope (privately) and the residents' group: one INSERT,
    one row per person or group, never twice. Returns the rows written."""
    row = await queries.gathering(session, gathering_id)
    require(actor, ORGANIZERS, row.courtyard_id)
    info = await queries.details(session, gathering_id)
    people = await audiences.members(session, queries.scope_of(row))
    groups = await audiences.group_chats(session, row.courtyard_id, GroupKind.RESIDENTS)

    def payload(recipient: Recipient) -> GatheringAnnounced:
        return GatheringAnnounced(
            gathering_id=info.id,
            courtyard=info.courtyard,
            title=info.title,
            place=info.place,
            description=info.description,
            starts_at=info.starts_at,
            ends_at=info.ends_at,
            places=info.places,
            in_group=recipient.chat_id is not None,
        )

    written = await outbox.enqueue_many(
        session,
        payload,
        [r for r in people if r.user_id != actor.user_id] + groups,
        dedupe_key=lambda r: f"signup-announce:{gathering_id}:{r.key}",
        now=now,
        quiet=policy.quiet_for(GatheringAnnounced.kind),
    )
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="gathering",
        subject_id=gathering_id,
        action="announced",
        courtyard_id=row.courtyard_id,
        data={"messages": written, "groups": len(groups)},
    )
    return written


async def publish(
    session: AsyncSession,
    actor: Actor,
    *,
    scope: Scope,
    title: str,
    place: str,
    slots: Sequence[PlannedSlot],
    now: datetime,
    policy: Policy,
    description: str = "",
    notice_id: int | None = None,
) -> tuple[int, int]:
    """Create and announce; returns the gathering's id and how many messages go out."""
    gathering_id = await create(
        session,
        actor,
        scope=scope,
        title=title,
        place=place,
        slots=slots,
        now=now,
        description=description,
        notice_id=notice_id,
    )
    return gathering_id, await announce(session, actor, gathering_id, now, policy)


async def close(session: AsyncSession, actor: Actor, gathering_id: int, now: datetime) -> None:
    """No more sign-ups; the list stands (check-in goes on)."""
    row = await queries.gathering(session, gathering_id)
    require(actor, ORGANIZERS, row.courtyard_id)
    result = await session.execute(
        update(Gathering)
        .where(Gathering.id == gathering_id, Gathering.status == GatheringStatus.OPEN)
        .values(status=GatheringStatus.CLOSED)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        raise Stale()
    await session.refresh(row)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="gathering",
        subject_id=gathering_id,
        action="closed",
        courtyard_id=row.courtyard_id,
        from_state=GatheringStatus.OPEN.value,
        to_state=GatheringStatus.CLOSED.value,
    )


async def cancel(
    session: AsyncSession, actor: Actor, gathering_id: int, now: datetime, policy: Policy
) -> int:
    """Call the event off: no sign-ups, no reminders; everyone signed up or waiting is told
    (a neighbour without Telegram through the grid leader who signed her up), in one INSERT.
    Returns the messages written."""
    row = await queries.gathering(session, gathering_id)
    require(actor, ORGANIZERS, row.courtyard_id)
    was = row.status
    result = await session.execute(
        update(Gathering)
        .where(
            Gathering.id == gathering_id,
            Gathering.status.in_([GatheringStatus.OPEN, GatheringStatus.CLOSED]),
        )
        .values(status=GatheringStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        raise Stale()
    await session.refresh(row)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="gathering",
        subject_id=gathering_id,
        action="cancelled",
        courtyard_id=row.courtyard_id,
        from_state=was.value,
        to_state=GatheringStatus.CANCELLED.value,
    )
    people = (
        await session.execute(
            select(
                Signup.id,
                Signup.user_id,
                Signup.signed_by,
                User.name,
                User.telegram_id,
                GatheringSlot.starts_at,
                GatheringSlot.ends_at,
            )
            .join(User, User.id == Signup.user_id)
            .join(GatheringSlot, GatheringSlot.id == Signup.slot_id)
            .where(
                Signup.gathering_id == gathering_id,
                Signup.status.in_([SignupStatus.BOOKED, SignupStatus.WAITING]),
                GatheringSlot.ends_at > now,
            )
            .order_by(Signup.id)
        )
    ).all()
    messages = []
    for signup_id, user_id, signed_by, name, telegram_id, starts_at, ends_at in people:
        offline = telegram_id is None and signed_by != user_id
        messages.append(
            outbox.Addressed(
                Recipient(user_id=signed_by if offline else user_id),
                GatheringCancelled(
                    gathering_id=gathering_id,
                    title=row.title,
                    place=row.place,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    name=name,
                    for_other=offline,
                ),
                f"signup-cancelled:{signup_id}",
            )
        )
    return await outbox.enqueue_each(
        session,
        [m for m in messages if m.recipient.user_id != actor.user_id],
        now=now,
        quiet=policy.quiet_for(GatheringCancelled.kind),
    )
