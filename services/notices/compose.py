"""Composing a notice: who may, what it may say (Telegram's limits), for whom, when; a
checked draft per courtyard. Nothing is written unless every check passes."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AttachmentKind, Courtyard, Notice, NoticeStatus
from services import audiences, events
from services.access import Actor, Role, require
from services.audiences import Scope
from services.errors import NotFound
from services.notices import scopes
from services.notices.errors import (
    DeadlineTooEarly,
    EmptyNotice,
    EmptyScope,
    NoticeTooLong,
    OneCourtyardOnly,
    TimeInPast,
    TimeNotUnderstood,
)
from services.policy import Policy

COMPOSERS = (Role.GRID_LEADER, Role.ADMIN)
GRACE = timedelta(seconds=60)  # after 发送, before it goes out: time to withdraw it
# Telegram takes 4096 characters in a message and 1024 in a caption; the heading, the
# "for whom" line and the signature need room too
MAX_TEXT = 3800
MAX_CAPTION = 800


@dataclass(frozen=True)
class Attachment:
    kind: AttachmentKind
    file_id: str


@dataclass(frozen=True)
class Draft:
    courtyard_ids: tuple[int, ...]
    text: str
    attachment: Attachment | None = None
    buildings: frozenset[str] = field(default_factory=frozenset)
    units: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    urgent: bool = False
    send_at: datetime | None = None
    needs_ack: bool = False
    ack_deadline: datetime | None = None
    corrects_notice_id: int | None = None


def composer_courtyards(actor: Actor) -> set[int] | None:
    """Where this person may send notices; None: every courtyard (an admin of all)."""
    return actor.courtyards_as(COMPOSERS)


async def courtyards_for(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    """The courtyards (id, name) this person may send notices to, by name."""
    allowed = composer_courtyards(actor)
    if allowed is not None and not allowed:
        require(actor, COMPOSERS)
    query = select(Courtyard.id, Courtyard.name).order_by(Courtyard.name)
    if allowed is not None:
        query = query.where(Courtyard.id.in_(sorted(allowed)))
    return [(i, n) for i, n in (await session.execute(query)).all()]


def clean_text(text: str | None, *, caption: bool) -> str:
    words = (text or "").strip()
    if not words:
        raise EmptyNotice()
    limit = MAX_CAPTION if caption else MAX_TEXT
    if len(words) > limit:
        raise NoticeTooLong(limit=limit, length=len(words))
    return words


_FULL = re.compile(
    r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?\s+(\d{1,2})[:：点](\d{2})?分?$"
)
_TIME = re.compile(r"^(\d{1,2})[:：点](\d{2})?分?$")


def parse_time(typed: str | None, now: datetime, policy: Policy) -> datetime:
    """A local time typed by a person ("12-03 08:00", "2026-12-03 8:00", "08:00" for today),
    as aware UTC; a time already passed is refused."""
    words = (typed or "").strip()
    local = policy.local(now)
    try:
        if match := _TIME.match(words):
            hour, minute = int(match[1]), int(match[2] or 0)
            at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        elif match := _FULL.match(words):
            year = int(match[1]) if match[1] else local.year
            at = local.replace(
                year=year,
                month=int(match[2]),
                day=int(match[3]),
                hour=int(match[4]),
                minute=int(match[5] or 0),
                second=0,
                microsecond=0,
            )
            if not match[1] and at < local - timedelta(days=1):
                at = at.replace(year=year + 1)  # "01-05" typed in December
        else:
            raise TimeNotUnderstood()
    except ValueError:
        raise TimeNotUnderstood() from None
    when = at.astimezone(now.tzinfo)
    if when <= now:
        raise TimeInPast()
    return when


def first_out(draft: Draft, now: datetime) -> datetime:
    """The earliest it can go out: after the grace, or at the chosen time."""
    return max(now + GRACE, draft.send_at or now)


def check_times(draft: Draft, now: datetime) -> None:
    if draft.send_at is not None and draft.send_at <= now:
        raise TimeInPast()
    deadline = draft.ack_deadline if draft.needs_ack else None
    if deadline is not None and deadline <= first_out(draft, now):
        raise DeadlineTooEarly()


async def check(session: AsyncSession, actor: Actor, draft: Draft, now: datetime) -> list[Scope]:
    """Every rule a notice must pass before anything is written; its scope per courtyard."""
    if not draft.courtyard_ids:
        raise EmptyScope()
    for courtyard_id in draft.courtyard_ids:
        require(actor, COMPOSERS, courtyard_id)
    clean_text(draft.text, caption=draft.attachment is not None)
    check_times(draft, now)
    places = bool(draft.buildings or draft.units)
    if places and len(draft.courtyard_ids) > 1:
        raise OneCourtyardOnly()
    found: list[Scope] = []
    for courtyard_id in draft.courtyard_ids:
        scope = Scope.of(courtyard_id, buildings=draft.buildings, units=draft.units)
        if await scopes.households_in(session, scope) == 0:
            raise EmptyScope()
        found.append(scope)
    if draft.corrects_notice_id is not None:
        corrected = await session.get(Notice, draft.corrects_notice_id)
        if (
            corrected is None
            or corrected.status is not NoticeStatus.SENT
            or corrected.courtyard_id not in draft.courtyard_ids
        ):
            raise NotFound()
    return found


async def save_draft(
    session: AsyncSession, actor: Actor, draft: Draft, now: datetime
) -> list[Notice]:
    """The checked draft as one notice row per courtyard (sharing a batch), to preview."""
    found = await check(session, actor, draft, now)
    batch = uuid.uuid4().hex
    notices = [_row(actor, draft, scope, batch, now) for scope in found]
    session.add_all(notices)
    await session.flush()
    for notice, scope in zip(notices, found, strict=True):
        session.add_all(scopes.places(notice.id, scope))
        events.record(
            session,
            at=now,
            actor=actor,
            subject_type="notice",
            subject_id=notice.id,
            action="drafted",
            courtyard_id=notice.courtyard_id,
            to_state=NoticeStatus.DRAFT.value,
            data={"batch": batch},
        )
    return notices


def _row(actor: Actor, draft: Draft, scope: Scope, batch: str, now: datetime) -> Notice:
    return Notice(
        courtyard_id=scope.courtyard_id,
        batch=batch,
        author_id=actor.user_id,
        channel=actor.channel,
        text=clean_text(draft.text, caption=draft.attachment is not None),
        attachment_kind=draft.attachment.kind if draft.attachment else None,
        attachment_file_id=draft.attachment.file_id if draft.attachment else None,
        scope_kind=scopes.kind_of(scope),
        urgent=draft.urgent,
        send_at=draft.send_at,
        needs_ack=draft.needs_ack,
        ack_deadline=draft.ack_deadline if draft.needs_ack else None,
        corrects_notice_id=draft.corrects_notice_id,
        status=NoticeStatus.DRAFT,
        created_at=now,
        private_rows=0,
        group_rows=0,
        households=0,
    )


async def batch_of(session: AsyncSession, notice_id: int) -> Sequence[Notice]:
    """The notice and the rows sent with it to other courtyards, by courtyard."""
    first = await session.get(Notice, notice_id)
    if first is None:
        raise NotFound()
    rows = await session.scalars(
        select(Notice).where(Notice.batch == first.batch).order_by(Notice.id)
    )
    return list(rows)


def units_of(draft_units: Collection[Sequence[str]]) -> frozenset[tuple[str, str]]:
    return frozenset((str(b), str(u)) for b, u in draft_units)


@dataclass(frozen=True)
class Reach:
    """Who a drafted notice would reach, for the question before it is sent."""

    households: int
    people: int  # approved members on Telegram who have not blocked the bot
    unreachable: int  # households nobody of which is reachable


async def reach(session: AsyncSession, notices: Sequence[Notice]) -> Reach:
    households = people = unreachable = 0
    for notice in notices:
        scope = await scopes.scope_of(session, notice)
        households += await scopes.households_in(session, scope)
        people += await scopes.reachable_people(session, scope)
        unreachable += len(await audiences.unreachable(session, scope))
    return Reach(households, people, unreachable)


async def correction_of(session: AsyncSession, actor: Actor, notice_id: int) -> Notice:
    """The sent notice a correction will point at: the author's own (or, for an admin or
    grid leader of its courtyard, any sent one there)."""
    notice = await session.get(Notice, notice_id)
    if notice is None or notice.status is not NoticeStatus.SENT:
        raise NotFound()
    require(actor, COMPOSERS, notice.courtyard_id)
    return notice
