"""Cancelling a place or a waiting-list place. Every change of a slot's places and waiting
list takes turns on the slot's row (locked first); a freed place goes to the first in the
waiting list, who is told through the outbox (a neighbour without Telegram: the grid leader
who signed her up, to tell her)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Gathering, GatheringSlot, Signup, SignupStatus, User
from services import events, outbox
from services.access import Actor, require
from services.errors import NotFound
from services.outbox import Recipient
from services.policy import Policy
from services.signups import queries
from services.signups.booking import Booked, facts
from services.signups.errors import GatheringOver, NotSignedUp
from services.signups.messages import SignupPromoted, SlotMessage
from services.signups.permissions import ORGANIZERS


async def told(session: AsyncSession, user_id: int, signed_by: int) -> tuple[int, bool]:
    """Who is told about a person's slot: she, if she is on Telegram; else the grid leader
    who signed her up, to tell her in person (`for_other`)."""
    online = await session.scalar(select(User.telegram_id).where(User.id == user_id))
    if online is not None or signed_by == user_id:
        return user_id, False
    return signed_by, True


async def cancel(
    session: AsyncSession, actor: Actor, signup_id: int, now: datetime, policy: Policy
) -> Booked | None:
    """Cancel a place or a waiting-list place (one's own; a grid leader any in the courtyard).
    A freed place goes to the first in the waiting list; returns that promotion, if any."""
    signup = await session.get(Signup, signup_id, populate_existing=True)
    if signup is None:
        raise NotFound()
    gathering = await queries.gathering(session, signup.gathering_id)
    if signup.user_id != actor.user_id:
        require(actor, ORGANIZERS, gathering.courtyard_id)
    # the slot's row first: every change of its places and its waiting list takes turns
    slot = await session.scalar(
        select(GatheringSlot)
        .where(GatheringSlot.id == signup.slot_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert slot is not None
    if slot.starts_at <= now:
        raise GatheringOver()
    was = signup.status
    if was is SignupStatus.CANCELLED:
        raise NotSignedUp()
    result = await session.execute(
        update(Signup)
        .where(Signup.id == signup.id, Signup.status == was)
        .values(status=SignupStatus.CANCELLED, cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        raise NotSignedUp()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="signup",
        subject_id=signup.id,
        action="cancelled",
        courtyard_id=gathering.courtyard_id,
        from_state=was.value,
        to_state=SignupStatus.CANCELLED.value,
        data={
            "gathering_id": gathering.id,
            "slot_id": slot.id,
            "user_id": signup.user_id,
            "acting_for": signup.user_id if signup.user_id != actor.user_id else None,
        },
    )
    if was is not SignupStatus.BOOKED:
        return None
    return await _promote(session, actor, gathering, slot, now, policy)


async def _promote(
    session: AsyncSession,
    actor: Actor,
    gathering: Gathering,
    slot: GatheringSlot,
    now: datetime,
    policy: Policy,
) -> Booked | None:
    """The freed place goes to the first in the waiting list; with nobody waiting it is free."""
    first = await session.scalar(
        select(Signup)
        .where(Signup.slot_id == slot.id, Signup.status == SignupStatus.WAITING)
        .order_by(Signup.queue_no, Signup.id)
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if first is None:
        await session.execute(
            update(GatheringSlot)
            .where(GatheringSlot.id == slot.id, GatheringSlot.taken > 0)
            .values(taken=GatheringSlot.taken - 1)
            .execution_options(synchronize_session=False)
        )
        return None
    first.status = SignupStatus.BOOKED
    first.promoted_at = now
    await session.flush()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="signup",
        subject_id=first.id,
        action="promoted",
        courtyard_id=gathering.courtyard_id,
        from_state=SignupStatus.WAITING.value,
        to_state=SignupStatus.BOOKED.value,
        data={"gathering_id": gathering.id, "slot_id": slot.id, "user_id": first.user_id},
    )
    name = await session.scalar(select(User.name).where(User.id == first.user_id)) or ""
    recipient, for_other = await told(session, first.user_id, first.signed_by)
    message: SlotMessage = SignupPromoted(**facts(gathering, slot, name), for_other=for_other)
    await outbox.enqueue_each(
        session,
        [outbox.Addressed(Recipient(user_id=recipient), message, f"signup-promoted:{first.id}")],
        now=now,
        quiet=policy.quiet_for(SignupPromoted.kind),
    )
    return Booked(first.id, first.status, slot.starts_at, slot.ends_at, None, name)
