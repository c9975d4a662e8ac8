"""The outbox: messages to anyone but the actor, and the bookkeeping of their delivery.

A message is a typed payload (`OutboxPayload`: one subclass per kind, checked when built) written
as a row in the transaction of the change that caused it. The sender claims due rows under a
short lease that it renews while it sends; only the holder of the lease records the outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Integer, Select, String, and_, cast, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxStatus, User
from models.base import UTCDateTime
from models.db import upsert_insert
from services.policy import Policy

# set in session.info when a transaction wrote outbox rows, so the sender is woken only then
WROTE_OUTBOX = "wrote_outbox"

# rows per INSERT: 11 values a row stays well under SQLite's 32766 bound variables
INSERT_CHUNK = 1000


class OutboxPayload(BaseModel):
    """What a message says: ids and values, rendered at send time in the recipient's language.

    Each kind is one subclass that names its `kind` (e.g. "ticket.claimed"); a payload built
    wrongly fails when it is built, that is when the row is written, never when it is sent."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: ClassVar[str]


@dataclass(frozen=True)
class Recipient:
    """A person (by user id) or a group chat (by Telegram chat id)."""

    user_id: int | None = None
    chat_id: int | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.chat_id is None):
            raise ValueError("an outbox row goes to exactly one of a user or a chat")

    @property
    def key(self) -> str:
        """A short name for dedupe keys: 'u12' or 'c-100500'."""
        return f"c{self.chat_id}" if self.chat_id is not None else f"u{self.user_id}"


PayloadFor = Callable[[Recipient], OutboxPayload]


def stored(payload: OutboxPayload) -> tuple[str, dict[str, Any]]:
    """The row's kind and JSON for a payload; what is stored must read back as the same type."""
    kind = getattr(type(payload), "kind", None)
    if not isinstance(payload, OutboxPayload) or not isinstance(kind, str):
        raise TypeError(f"{type(payload).__name__} is not an outbox payload of a kind")
    data = payload.model_dump(mode="json")
    type(payload).model_validate(data)
    return kind, data


async def enqueue(
    session: AsyncSession,
    payload: OutboxPayload,
    *,
    dedupe_key: str,
    now: datetime,
    user_id: int | None = None,
    chat_id: int | None = None,
    not_before: datetime | None = None,
    quiet: Policy | None = None,
) -> bool:
    """Write one outbox row; a second row with the same dedupe key is silently skipped.

    `quiet`: pass the policy for a non-urgent message so it waits out the quiet hours.
    Returns whether a row was written (a person without Telegram gets none)."""
    written = await enqueue_many(
        session,
        payload,
        [Recipient(user_id=user_id, chat_id=chat_id)],
        dedupe_key=lambda _recipient: dedupe_key,
        now=now,
        not_before=not_before,
        quiet=quiet,
    )
    return written > 0


async def enqueue_many(
    session: AsyncSession,
    payload: OutboxPayload | PayloadFor,
    recipients: Iterable[Recipient],
    *,
    dedupe_key: Callable[[Recipient], str],
    now: datetime,
    not_before: datetime | None = None,
    quiet: Policy | None = None,
) -> int:
    """One message (or one per recipient, from a function) to many: one multi-row INSERT
    (per 1000 rows) that skips dedupe keys already written. People without a Telegram account
    (registered by a grid leader, not online) are left out. Returns the rows written."""
    if isinstance(payload, OutboxPayload):
        same = payload
        make: PayloadFor = lambda _recipient: same  # noqa: E731
    else:
        make = payload
    wanted = list(dict.fromkeys(recipients))
    return await enqueue_each(
        session,
        [Addressed(r, make(r), dedupe_key(r)) for r in wanted],
        now=now,
        not_before=not_before,
        quiet=quiet,
    )


@dataclass(frozen=True)
class Addressed:
    """One message for one recipient, with its dedupe key (for `enqueue_each`)."""

    recipient: Recipient
    payload: OutboxPayload
    dedupe_key: str


async def enqueue_each(
    session: AsyncSession,
    messages: Iterable[Addressed],
    *,
    now: datetime,
    not_before: datetime | None = None,
    quiet: Policy | None = None,
) -> int:
    """Many messages, each with its own recipient, content and dedupe key (a sweep that tells
    one person about two things writes two rows): one multi-row INSERT per 1000 rows that skips
    dedupe keys already written; people without a Telegram account are left out."""
    wanted = list(messages)
    people = {m.recipient.user_id for m in wanted if m.recipient.user_id is not None}
    online = await _on_telegram(session, people) if people else set()
    due = not_before or now
    if quiet is not None:
        due = quiet.after_quiet_hours(due)
    checked: dict[int, tuple[str, dict[str, Any]]] = {}  # the same payload is checked once
    values: list[dict[str, Any]] = []
    for message in wanted:
        recipient = message.recipient
        if recipient.user_id is not None and recipient.user_id not in online:
            continue
        content = checked.get(id(message.payload))
        if content is None:
            content = checked[id(message.payload)] = stored(message.payload)
        kind, data = content
        values.append(
            {
                "user_id": recipient.user_id,
                "chat_id": recipient.chat_id,
                "kind": kind,
                "payload": data,
                "dedupe_key": message.dedupe_key,
                "status": OutboxStatus.PENDING,
                "created_at": now,
                "not_before": due,
                "next_attempt_at": due,
                "attempts": 0,
                "lease_owner": None,
            }
        )
    written = 0
    if values:
        # one statement compiled once (and cached), its rows sent as multi-row INSERTs of up to
        # 1000 rows ("insertmanyvalues"); RETURNING counts the rows written on both stores,
        # where an executemany's rowcount is not reliable. Building a 1000-row VALUES clause
        # instead cost about 1 s per 1000 rows in SQLAlchemy's compiler.
        table = OutboxMessage.__table__
        result = await session.execute(
            upsert_insert(session, table)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(table.c.id),
            values,
        )
        written = len(result.all())
    if written:
        session.info[WROTE_OUTBOX] = True
    return written


async def enqueue_select(
    session: AsyncSession,
    payload: OutboxPayload,
    user_ids: Select[tuple[int]],
    *,
    dedupe_prefix: str,
    now: datetime,
    not_before: datetime | None = None,
    quiet: Policy | None = None,
) -> int:
    """One message to every person a query names, as one INSERT ... SELECT: the rows never
    pass through Python, so a notice to 10,000 people is one statement. The dedupe key of
    each row is `dedupe_prefix` + 'u' + the user id (what `Recipient.key` gives). People
    without a Telegram account are left out; keys already written are skipped. Returns the
    rows written."""
    kind, data = stored(payload)
    due = not_before or now
    if quiet is not None:
        due = quiet.after_quiet_hours(due)
    wanted = user_ids.subquery()
    rows = select(
        User.id,
        literal(kind, String),
        literal(data, JSON),
        literal(f"{dedupe_prefix}u", String) + cast(User.id, String),
        literal(OutboxStatus.PENDING.value, String),
        literal(now, UTCDateTime()),
        literal(due, UTCDateTime()),
        literal(due, UTCDateTime()),
        literal(0, Integer),
    ).where(User.id.in_(select(wanted.c[0])), User.telegram_id.is_not(None))
    table = OutboxMessage.__table__
    columns = [
        "user_id",
        "kind",
        "payload",
        "dedupe_key",
        "status",
        "created_at",
        "not_before",
        "next_attempt_at",
        "attempts",
    ]
    result = await session.execute(
        upsert_insert(session, table)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    written = max(int(getattr(result, "rowcount", 0)), 0)
    if written:
        session.info[WROTE_OUTBOX] = True
    return written


async def _on_telegram(session: AsyncSession, user_ids: set[int]) -> set[int]:
    """Which of these people have a Telegram account (one SELECT per 1000 people)."""
    ids = sorted(user_ids)
    found: set[int] = set()
    for start in range(0, len(ids), INSERT_CHUNK):
        found.update(
            await session.scalars(
                select(User.id).where(
                    User.id.in_(ids[start : start + INSERT_CHUNK]), User.telegram_id.is_not(None)
                )
            )
        )
    return found


async def replace_pending(session: AsyncSession, row_id: int, payload: OutboxPayload) -> bool:
    """Give a row that is still waiting newer content (same kind). False if it is on its way."""
    kind, data = stored(payload)
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.kind == kind,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(payload=data)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


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
    session: AsyncSession, now: datetime, *, limit: int, lease: timedelta, owner: str
) -> list[Due]:
    """Claim due rows for sending, leased to `owner` until now + lease. A sender renews the
    lease while it sends (`renew_leases`); the rows of a sender that died come back when their
    lease runs out."""
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
        row.lease_owner = owner
        user = users.get(row.user_id) if row.user_id else None
        if user is not None and (user.blocked or user.telegram_id is None):
            row.status = OutboxStatus.BLOCKED
            row.last_error = "recipient blocked the bot"
            row.lease_owner = None
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


def _leased(row_id: int, owner: str) -> Any:
    """The row is still being sent by `owner`: its lease was not taken over."""
    return and_(
        OutboxMessage.id == row_id,
        OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.lease_owner == owner,
    )


async def renew_leases(
    session: AsyncSession, row_ids: Sequence[int], *, owner: str, until: datetime
) -> int:
    """Keep the rows a sender is still working through; returns how many it still holds."""
    if not row_ids:
        return 0
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(list(row_ids)),
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.lease_owner == owner,
        )
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


async def mark_sent(
    session: AsyncSession, row_id: int, now: datetime, message_id: int | None, *, owner: str
) -> bool:
    """Sent. False if the lease was no longer ours (another sender took the row over)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_leased(row_id, owner))
        .values(
            status=OutboxStatus.SENT,
            sent_at=now,
            telegram_message_id=message_id,
            attempts=OutboxMessage.attempts + 1,
            last_error=None,
            lease_owner=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def mark_throttled(
    session: AsyncSession, row_id: int, retry_at: datetime, error: str, *, owner: str
) -> bool:
    """Telegram said 'too many requests': try again then; this is not a failed attempt."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_leased(row_id, owner))
        .values(
            status=OutboxStatus.PENDING,
            next_attempt_at=retry_at,
            last_error=error,
            lease_owner=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def mark_attempt_failed(
    session: AsyncSession,
    row_id: int,
    now: datetime,
    error: str,
    *,
    owner: str,
    max_attempts: int,
    backoff: timedelta,
) -> bool:
    """Count a failed attempt; retry with exponential backoff, or fail for good.

    True if this sender is done with the row: failed for good, or no longer ours."""
    row = await session.scalar(select(OutboxMessage).where(_leased(row_id, owner)))
    if row is None:
        return True
    row.attempts += 1
    row.last_error = error[:2000]
    row.lease_owner = None
    if row.attempts >= max_attempts:
        row.status = OutboxStatus.FAILED
        return True
    row.status = OutboxStatus.PENDING
    row.next_attempt_at = now + backoff * (2 ** (row.attempts - 1))
    return False


async def mark_recipient_blocked(
    session: AsyncSession, row_id: int, error: str, *, owner: str
) -> bool:
    """The person blocked the bot: stop sending to them, and keep the row as blocked.
    False if the row was no longer ours (what we learnt about the person still holds)."""
    row = await session.get(OutboxMessage, row_id)
    if row is None:
        return False
    ours = row.status is OutboxStatus.SENDING and row.lease_owner == owner
    if ours:
        row.status = OutboxStatus.BLOCKED
        row.last_error = error[:2000]
        row.lease_owner = None
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
    return ours


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the earliest waiting row is due, so the sender can sleep until then."""
    due: datetime | None = await session.scalar(
        select(OutboxMessage.next_attempt_at)
        .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
        .order_by(OutboxMessage.next_attempt_at)
        .limit(1)
    )
    return due
