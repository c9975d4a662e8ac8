"""The reminder the day before: everyone with a place in a slot of the next local day gets
one (a neighbour without Telegram: the grid leader who signed her up, to tell her). One
SELECT, one INSERT; dedupe keys make a re-run or a second scheduler send nothing twice."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Gathering, GatheringSlot, GatheringStatus, Signup, SignupStatus, User
from services import outbox
from services.outbox import Addressed, Recipient
from services.policy import Policy
from services.signups.messages import SignupReminder


async def sweep(session: AsyncSession, now: datetime, policy: Policy) -> int:
    tomorrow = policy.local(now).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), policy.timezone)
    end = start + timedelta(days=1)
    rows = (
        await session.execute(
            select(
                Signup.id,
                Signup.user_id,
                Signup.signed_by,
                User.name,
                User.telegram_id,
                Gathering.id,
                Gathering.title,
                Gathering.place,
                GatheringSlot.starts_at,
                GatheringSlot.ends_at,
            )
            .join(User, User.id == Signup.user_id)
            .join(Gathering, Gathering.id == Signup.gathering_id)
            .join(GatheringSlot, GatheringSlot.id == Signup.slot_id)
            .where(
                Signup.status == SignupStatus.BOOKED,
                Gathering.status != GatheringStatus.CANCELLED,
                GatheringSlot.starts_at >= start,
                GatheringSlot.starts_at < end,
            )
            .order_by(GatheringSlot.starts_at, Signup.id)
        )
    ).all()
    messages = []
    for signup_id, user_id, signed_by, name, telegram_id, g_id, title, place, s, e in rows:
        offline = telegram_id is None and signed_by != user_id
        messages.append(
            Addressed(
                Recipient(user_id=signed_by if offline else user_id),
                SignupReminder(
                    gathering_id=g_id,
                    title=title,
                    place=place,
                    starts_at=s,
                    ends_at=e,
                    name=name,
                    for_other=offline,
                ),
                f"signup-reminder:{signup_id}",
            )
        )
    return await outbox.enqueue_each(
        session, messages, now=now, quiet=policy.quiet_for(SignupReminder.kind)
    )
