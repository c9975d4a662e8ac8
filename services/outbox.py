"""The outbox: messages to anyone but the actor, and the bookkeeping of their delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxStatus, User
from services.policy import Policy

# set in session.info when a transaction wrote outbox rows, so the sender is woken only then
WROTE_OUTBOX = "wrote_outbox"


async def enqueue(
    session: AsyncSession,
    *,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str,
    now: datetime,
    user_id: int | None = None,
    chat_id: int | None = None,
    not_before: datetime | None = None,
    quiet: Policy | None = None,
) -> bool:
    """Write one outbox row; a second row with the same dedupe key is silently skipped.

    `quiet`: pass the policy for a non-urgent message so it waits out the quiet hours.
    Returns whether a row was written.
    """
    if (user_id is None) == (chat_id is None):
        raise ValueError("an outbox row goes to exactly one of a user or a chat")
    if user_id is not None:
        telegram_id = await session.scalar(select(User.telegram_id).where(User.id == user_id))
        if telegram_id is None:
            return False  # registered by a grid leader and not online: nothing to send to
    due = not_before or now
    if quiet is not None:
        due = quiet.after_quiet_hours(due)
    values = {
        "user_id": user_id,
        "chat_id": chat_id,
        "kind": kind,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "status": OutboxStatus.PENDING,
        "created_at": now,
        "not_before": due,
        "next_attempt_at": due,
        "attempts": 0,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    result = await session.execute(stmt)
    written = bool(getattr(result, "rowcount", 0))
    if written:
        session.info[WROTE_OUTBOX] = True
    return written


@dataclass(frozen=True)
class Due:
    """A claimed row with where it goes and in which language it is to be rendered."""

    id: int
    kind: str
    payload: dict[str, Any]
    chat_id: int
    is_group: bool
    user_id: int | None
    locale: str | None
    language_code: str | None
    attempts: int


async def claim_due(
    session: AsyncSession, now: datetime, *, limit: int, lease: timedelta
) -> list[Due]:
    """Claim due rows for sending. A claim is a lease: rows of a sender that died come back."""
    due_now = and_(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
    )
    lease_over = and_(
        OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.next_attempt_at <= now
    )
    rows = (
        await session.scalars(
            select(OutboxMessage)
            .where(or_(due_now, lease_over))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return []
    users = {
        u.id: u
        for u in await session.scalars(
            select(User).where(User.id.in_({r.user_id for r in rows if r.user_id}))
        )
    }
    claimed: list[Due] = []
    for row in rows:
        row.status = OutboxStatus.SENDING
        row.next_attempt_at = now + lease
        user = users.get(row.user_id) if row.user_id else None
        if user is not None and (user.blocked or user.telegram_id is None):
            row.status = OutboxStatus.BLOCKED
            row.last_error = "recipient blocked the bot"
            continue
        claimed.append(
            Due(
                id=row.id,
                kind=row.kind,
                payload=dict(row.payload),
                chat_id=user.telegram_id if user and user.telegram_id else int(row.chat_id or 0),
                is_group=row.chat_id is not None,
                user_id=row.user_id,
                locale=user.locale if user else None,
                language_code=user.language_code if user else None,
                attempts=row.attempts,
            )
        )
    return claimed


async def mark_sent(
    session: AsyncSession, row_id: int, now: datetime, message_id: int | None
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(
            status=OutboxStatus.SENT,
            sent_at=now,
            telegram_message_id=message_id,
            attempts=OutboxMessage.attempts + 1,
            last_error=None,
        )
    )


async def mark_throttled(
    session: AsyncSession, row_id: int, retry_at: datetime, error: str
) -> None:
    """Telegram said 'too many requests': try again then; this is not a failed attempt."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(status=OutboxStatus.PENDING, next_attempt_at=retry_at, last_error=error)
    )


async def mark_attempt_failed(
    session: AsyncSession,
    row_id: int,
    now: datetime,
    error: str,
    *,
    max_attempts: int,
    backoff: timedelta,
) -> bool:
    """Count a failed attempt; retry with exponential backoff, or fail for good. True if final."""
    row = await session.get(OutboxMessage, row_id)
    if row is None:
        return True
    row.attempts += 1
    row.last_error = error[:2000]
    if row.attempts >= max_attempts:
        row.status = OutboxStatus.FAILED
        return True
    row.status = OutboxStatus.PENDING
    row.next_attempt_at = now + backoff * (2 ** (row.attempts - 1))
    return False


async def mark_recipient_blocked(session: AsyncSession, row_id: int, error: str) -> None:
    """The person blocked the bot: stop sending to them, and keep the row as blocked."""
    row = await session.get(OutboxMessage, row_id)
    if row is None:
        return
    row.status = OutboxStatus.BLOCKED
    row.last_error = error[:2000]
    if row.user_id is not None:
        user = await session.get(User, row.user_id)
        if user is not None:
            user.blocked = True
    if row.chat_id is not None:
        # a group that removed the bot: later rows to it are pointless too
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.chat_id == row.chat_id, OutboxMessage.status == OutboxStatus.PENDING
            )
            .values(status=OutboxStatus.BLOCKED, last_error=error[:2000])
        )


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the earliest waiting row is due, so the sender can sleep until then."""
    due: datetime | None = await session.scalar(
        select(OutboxMessage.next_attempt_at)
        .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
        .order_by(OutboxMessage.next_attempt_at)
        .limit(1)
    )
    return due
