"""A notice's way out: sent after the grace (or at its time), withdrawn before it goes out,
marked sent when its time has come, the households nobody reaches put on the grid leader's
visit list, and the author told when the deadline for acknowledgements has passed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, GroupKind, Notice, NoticeStatus, OutboxMessage, OutboxStatus, User
from services import audiences, events, outbox, visits
from services.access import Actor
from services.errors import NotFound
from services.notices import compose, scopes
from services.notices.errors import NotYourNotice, TimeInPast, TooLateToWithdraw
from services.notices.machine import NOTICES, NoticeAction, NoticeParty
from services.notices.messages import NoticeDeadlinePassed, NoticeInfo, NoticeLetter, NoticePost
from services.policy import Policy
from services.statemachine import TransitionRefused

VISIT_KIND = "notice"
# a second look for households found blocked while the notice was delivered
RELIST_AFTER = timedelta(hours=1)


def key_prefix(notice_id: int) -> str:
    """Every delivery row of a notice has a dedupe key under this (group posts and letters)."""
    return f"notice:{notice_id}:"


async def info(session: AsyncSession, notice: Notice) -> NoticeInfo:
    """The notice as views show it (the same for the preview and for residents)."""
    courtyard = await session.get(Courtyard, notice.courtyard_id)
    author = await session.get(User, notice.author_id)
    corrected = (
        await session.get(Notice, notice.corrects_notice_id) if notice.corrects_notice_id else None
    )
    buildings, units = scopes.labels(await scopes.scope_of(session, notice))
    return NoticeInfo(
        id=notice.id,
        courtyard=courtyard.name if courtyard else "",
        author=author.name if author else "",
        text=notice.text,
        attachment_kind=notice.attachment_kind.value if notice.attachment_kind else None,
        attachment_file_id=notice.attachment_file_id,
        urgent=notice.urgent,
        needs_ack=notice.needs_ack,
        ack_deadline=notice.ack_deadline,
        buildings=buildings,
        units=units,
        corrects_sent_at=corrected.goes_out_at if corrected else None,
        goes_out_at=notice.goes_out_at,
    )


def _parties(actor: Actor, notice: Notice) -> set[NoticeParty]:
    return {NoticeParty.AUTHOR} if notice.author_id == actor.user_id else set()


def _check(
    actor: Actor | None, notice: Notice, action: NoticeAction, now: datetime
) -> NoticeStatus:
    parties = {NoticeParty.SYSTEM} if actor is None else _parties(actor, notice)
    try:
        return NOTICES.check(notice.status, action, parties, (notice, now))
    except TransitionRefused as refused:
        if refused.refusal.value == "party":
            raise NotYourNotice() from None
        if action is NoticeAction.WITHDRAW:
            raise TooLateToWithdraw() from None
        raise


def _move(
    session: AsyncSession,
    actor: Actor | None,
    notice: Notice,
    action: NoticeAction,
    now: datetime,
    data: dict[str, object] | None = None,
) -> None:
    before = notice.status
    notice.status = _check(actor, notice, action, now)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="notice",
        subject_id=notice.id,
        action=NOTICES.event(action),
        courtyard_id=notice.courtyard_id,
        from_state=before.value,
        to_state=notice.status.value,
        data=dict(data or {}),
    )


@dataclass(frozen=True)
class Scheduled:
    notice_ids: tuple[int, ...]
    goes_out_at: datetime
    people: int  # private letters written
    groups: int  # residents' group posts written
    households: int
    unreachable: int  # households nobody reaches: the grid leader tells them in person


def goes_out_at(notice: Notice, now: datetime, policy: Policy) -> datetime:
    """After the grace or at its time; a normal notice waits out the quiet hours, an urgent
    one does not (services.policy: WAITS_FOR_QUIET_HOURS)."""
    first = max(now + compose.GRACE, notice.send_at or now)
    return policy.delivery_at(NoticeLetter.kind, first, urgent=notice.urgent)


async def send(
    session: AsyncSession, actor: Actor, notice_id: int, now: datetime, policy: Policy
) -> Scheduled:
    """发送: the draft (and the rows of its batch) scheduled; every letter and group post is
    written now, as outbox rows that wait until it goes out (one INSERT per audience)."""
    batch = list(await compose.batch_of(session, notice_id))
    people = groups = households = unreachable = 0
    out = now
    for notice in batch:
        if notice.send_at is not None and notice.send_at <= now:
            raise TimeInPast()
        _check(actor, notice, NoticeAction.SEND, now)
    for notice in batch:
        notice.goes_out_at = out = goes_out_at(notice, now, policy)
        notice.scheduled_at = now
        scope = await scopes.scope_of(session, notice)
        payload = await info(session, notice)
        key = key_prefix(notice.id)
        # every approved member in scope: one INSERT ... SELECT, whatever their number
        notice.private_rows = await outbox.enqueue_select(
            session,
            NoticeLetter(notice=payload),
            audiences.members_query(scope),
            dedupe_prefix=key,
            now=now,
            not_before=notice.goes_out_at,
        )
        chats = await audiences.group_chats(session, notice.courtyard_id, GroupKind.RESIDENTS)
        notice.group_rows = await outbox.enqueue_many(
            session,
            NoticePost(notice=payload),
            chats,
            dedupe_key=lambda r, key=key: f"{key}{r.key}",  # type: ignore[misc]
            now=now,
            not_before=notice.goes_out_at,
        )
        notice.households = await scopes.households_in(session, scope)
        offline = await audiences.unreachable(session, scope)
        _move(
            session,
            actor,
            notice,
            NoticeAction.SEND,
            now,
            {
                "goes_out_at": notice.goes_out_at.isoformat(),
                "people": notice.private_rows,
                "groups": notice.group_rows,
                "urgent": notice.urgent,
            },
        )
        people += notice.private_rows
        groups += notice.group_rows
        households += notice.households
        unreachable += len(offline)
    return Scheduled(tuple(n.id for n in batch), out, people, groups, households, unreachable)


async def discard(session: AsyncSession, actor: Actor, notice_id: int, now: datetime) -> None:
    for notice in await compose.batch_of(session, notice_id):
        _move(session, actor, notice, NoticeAction.DISCARD, now)
        notice.cancelled_at = now


async def withdraw(session: AsyncSession, actor: Actor, notice_id: int, now: datetime) -> int:
    """撤回 before it goes out: the notice cancelled and its waiting rows deleted in one
    statement (they are due only when it goes out, so no sender has them). Rows deleted."""
    batch = list(await compose.batch_of(session, notice_id))
    for notice in batch:
        _move(session, actor, notice, NoticeAction.WITHDRAW, now)
        notice.cancelled_at = now
    result = await session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            or_(*(OutboxMessage.dedupe_key.like(f"{key_prefix(n.id)}%") for n in batch)),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


async def _list_visits(session: AsyncSession, notice: Notice, now: datetime) -> int:
    scope = await scopes.scope_of(session, notice)
    offline = await audiences.unreachable(session, scope)
    notice.visits_listed_at = now
    if not offline:
        return 0
    return await visits.add(
        session,
        courtyard_id=notice.courtyard_id,
        kind=VISIT_KIND,
        ref=str(notice.id),
        household_ids=[h.id for h in offline],
        reason="unreachable",
        now=now,
    )


async def sweep(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Each minute: notices whose time has come are sent (their unreachable households go on
    the visit list), looked at again an hour later, and authors told of passed deadlines.
    Re-running it changes nothing more. Returns the outbox rows written."""
    due: Sequence[Notice] = (
        await session.scalars(
            select(Notice)
            .where(Notice.status == NoticeStatus.SCHEDULED, Notice.goes_out_at <= now)
            .order_by(Notice.id)
        )
    ).all()
    for notice in due:
        _move(session, None, notice, NoticeAction.GO_OUT, now)
        notice.sent_at = notice.goes_out_at
        await _list_visits(session, notice, now)
    recent: Sequence[Notice] = (
        await session.scalars(
            select(Notice).where(
                Notice.status == NoticeStatus.SENT,
                Notice.goes_out_at <= now - RELIST_AFTER,
                Notice.goes_out_at >= now - RELIST_AFTER * 24,
            )
        )
    ).all()
    for notice in recent:  # the few of the last day; each looked at once more
        assert notice.goes_out_at is not None
        listed = notice.visits_listed_at
        if listed is None or listed < notice.goes_out_at + RELIST_AFTER:
            await _list_visits(session, notice, now)
    return await tell_deadlines(session, now, policy)


async def tell_deadlines(session: AsyncSession, now: datetime, policy: Policy) -> int:
    from services.notices import acks  # counts live there; acks use this module's info

    passed: Sequence[Notice] = (
        await session.scalars(
            select(Notice).where(
                Notice.status == NoticeStatus.SENT,
                Notice.needs_ack,
                Notice.ack_deadline <= now,
                Notice.deadline_told_at.is_(None),
            )
        )
    ).all()
    written = 0
    for notice in passed:
        notice.deadline_told_at = now
        counts = await acks.counts(session, notice)
        courtyard = await session.get(Courtyard, notice.courtyard_id)
        written += int(
            await outbox.enqueue(
                session,
                NoticeDeadlinePassed(
                    notice_id=notice.id,
                    courtyard=courtyard.name if courtyard else "",
                    text=notice.text[:60],
                    households=counts.households,
                    acknowledged=counts.acknowledged_households,
                ),
                dedupe_key=f"notice-deadline:{notice.id}",
                now=now,
                user_id=notice.author_id,
                quiet=policy.quiet_for(NoticeDeadlinePassed.kind),
            )
        )
    return written


async def get(session: AsyncSession, notice_id: int) -> Notice:
    notice = await session.get(Notice, notice_id)
    if notice is None:
        raise NotFound()
    return notice
