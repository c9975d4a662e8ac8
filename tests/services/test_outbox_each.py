"""`outbox.enqueue_each`: many messages, each with its own recipient, content and dedupe key, in
one insert; a dedupe key already written is skipped; people without Telegram are left out."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, User
from services import outbox
from services.clock import FixedClock
from services.outbox import Addressed, Recipient
from services.signups.messages import SignupReminder

NINE = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def reminder(name: str) -> SignupReminder:
    return SignupReminder(
        gathering_id=1, title="公交卡年审", place="社区活动室", starts_at=NINE,
        ends_at=NINE, name=name, for_other=True,
    )  # fmt: skip


async def test_two_messages_to_one_person_and_none_twice(
    session: AsyncSession, clock: FixedClock
) -> None:
    leader = User(telegram_id=5001, name="李网格长", created_at=clock())
    grandma = User(telegram_id=None, name="刘奶奶", created_at=clock())
    session.add_all([leader, grandma])
    await session.flush()
    to_leader = Recipient(user_id=leader.id)
    messages = [
        Addressed(to_leader, reminder("刘奶奶"), "r:1"),
        Addressed(to_leader, reminder("赵大爷"), "r:2"),
        Addressed(Recipient(user_id=grandma.id), reminder("刘奶奶"), "r:3"),
    ]
    assert await outbox.enqueue_each(session, messages, now=clock()) == 2
    assert await outbox.enqueue_each(session, messages, now=clock()) == 0
    rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [(r.user_id, r.payload["name"], r.dedupe_key) for r in rows] == [
        (leader.id, "刘奶奶", "r:1"),
        (leader.id, "赵大爷", "r:2"),
    ]
