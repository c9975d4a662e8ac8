"""The life of a claimed ticket: the worker starts, holds, resumes and resolves it; the
reporter confirms (or says it is not fixed), cancels before a claim, and rates; a resolved
ticket nobody answers closes itself after 3 days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import MediaKind, MediaStage, Ticket, TicketMedia, TicketStatus
from services.access import Actor
from services.errors import N_, InvalidInput
from services.policy import Policy
from services.tickets import alerts, info, notices, transitions
from services.tickets.errors import TicketChanged
from services.tickets.info import TicketInfo
from services.tickets.messages import FeedbackAction, TicketAutoClosed, TicketFeedback, TicketWork
from services.tickets.transitions import REOPEN_WITHIN, TicketAction

A = TicketAction

AUTO_CLOSE_AFTER = timedelta(days=3)
HOLD_MAX_DAYS = 90
NOTE_MAX = 500
REASON_MAX = 200
COMMENT_MAX = 300


def _text(value: str | None, limit: int, message: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit or value.startswith("/"):
        raise InvalidInput(message, limit=limit)
    return value


def clean_reason(text: str | None) -> str:
    return _text(text, REASON_MAX, N_("Please give a short reason (at most %(limit)s characters)."))


def clean_note(text: str | None) -> str:
    return _text(
        text,
        NOTE_MAX,
        N_("Please say in a few words what was done (at most %(limit)s characters)."),
    )


def clean_comment(text: str | None) -> str:
    return _text(text, COMMENT_MAX, N_("Please keep the comment under %(limit)s characters."))


async def can(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    action: TicketAction,
    *,
    now: datetime,
    version: int | None = None,
) -> TicketInfo:
    """Would `action` be allowed now? Asked before a step that needs more input (a note, a
    date, a rating, a reason), so the person hears 'no' before typing; the change checks
    again."""
    ticket = await info.get(session, ticket_id)
    await transitions.check(session, ticket, action, actor, now=now, version=version)
    return await info.describe(session, ticket)


# ---- the worker ----------------------------------------------------------------------------


async def start(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    now: datetime,
    policy: Policy,
    *,
    version: int | None = None,
) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    await transitions.change(session, ticket, actor, A.START, now=now, version=version)
    ticket.started_at = ticket.started_at or now
    return await transitions.announce(
        session, ticket, actor, action="started", now=now, policy=policy
    )


def hold_end(day: date, policy: Policy) -> datetime:
    """The end of a local day, as aware UTC."""
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=policy.timezone)
    return end.astimezone(UTC)


async def hold(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    *,
    reason: str,
    until: date,
    now: datetime,
    policy: Policy,
    version: int | None = None,
) -> TicketInfo:
    """Waiting for parts or a contractor: the resolve clock stops until the work resumes.
    On hold already: a new reason and day (the clock stays stopped since the first hold)."""
    ticket = await info.get(session, ticket_id)
    await transitions.check(session, ticket, A.HOLD, actor, now=now, version=version)
    reason = clean_reason(reason)
    today = policy.local(now).date()
    if not today <= until <= today + timedelta(days=HOLD_MAX_DAYS):
        raise InvalidInput(
            N_("Please choose a date from today to %(days)s days ahead."), days=HOLD_MAX_DAYS
        )
    await transitions.change(
        session,
        ticket,
        actor,
        A.HOLD,
        now=now,
        version=version,
        data={"reason": reason, "until": until.isoformat()},
    )
    ticket.held_at = ticket.held_at or now
    ticket.hold_reason = reason
    ticket.hold_until = hold_end(until, policy)
    ticket.alert_round += 1
    ticket.next_alert_at = alerts.next_alert_at(ticket)
    return await transitions.announce(session, ticket, actor, action="held", now=now, policy=policy)


async def resume(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    now: datetime,
    policy: Policy,
    *,
    version: int | None = None,
) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    await transitions.check(session, ticket, A.RESUME, actor, now=now, version=version)
    if ticket.held_at is not None:
        ticket.resolve_due_at += now - ticket.held_at  # the clock stood still on hold
    ticket.held_at = None
    ticket.hold_until = None
    ticket.alert_round += 1
    ticket.started_at = ticket.started_at or now
    await transitions.change(session, ticket, actor, A.RESUME, now=now, version=version)
    return await transitions.announce(
        session, ticket, actor, action="resumed", now=now, policy=policy
    )


async def resolve(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    *,
    note: str,
    photo_file_id: str | None,
    now: datetime,
    policy: Policy,
    version: int | None = None,
) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    await transitions.check(session, ticket, A.RESOLVE, actor, now=now, version=version)
    note = clean_note(note)
    ticket.resolved_at = now
    ticket.resolution_note = note
    if ticket.resolve_seconds is None:  # the first fix is the one /stats measures
        ticket.resolve_seconds = int((now - ticket.created_at).total_seconds())
        ticket.resolved_in_time = now <= ticket.resolve_due_at
    if photo_file_id:
        session.add(
            TicketMedia(
                ticket_id=ticket.id,
                kind=MediaKind.PHOTO,
                stage=MediaStage.AFTER,
                file_id=photo_file_id,
                added_by=actor.user_id,
                added_at=now,
            )
        )
    await transitions.change(
        session, ticket, actor, A.RESOLVE, now=now, version=version, data={"note": note}
    )
    return await transitions.announce(
        session, ticket, actor, action="resolved", now=now, policy=policy
    )


# ---- the reporter --------------------------------------------------------------------------


async def _feedback(
    session: AsyncSession,
    ticket: Ticket,
    actor: Actor,
    done: TicketInfo,
    action: FeedbackAction,
    now: datetime,
    policy: Policy,
) -> None:
    await notices.tell_assignee(
        session,
        ticket,
        TicketFeedback(ticket=done, action=action),
        now=now,
        policy=policy,
        exclude=actor.user_id,
    )


async def confirm(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    now: datetime,
    policy: Policy,
    *,
    version: int | None = None,
) -> TicketInfo:
    """The reporter says it is fixed: the ticket closes and can be rated."""
    ticket = await info.get(session, ticket_id)
    await transitions.change(session, ticket, actor, A.CONFIRM, now=now, version=version)
    ticket.closed_at = now
    done = await transitions.announce(
        session, ticket, actor, action="confirmed", now=now, policy=policy
    )
    await _feedback(session, ticket, actor, done, "confirmed", now, policy)
    return done


async def reopen(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    now: datetime,
    policy: Policy,
    *,
    reason: str | None = None,
    version: int | None = None,
) -> TicketInfo:
    """Not fixed: back to the worker who had it, with a fresh time to resolve."""
    ticket = await info.get(session, ticket_id)
    await transitions.check(session, ticket, A.REOPEN, actor, now=now, version=version)
    why = clean_reason(reason) if reason is not None else None
    ticket.reopened_at = now
    ticket.reopen_count += 1
    ticket.closed_at = None
    ticket.rating = ticket.rating_comment = ticket.rated_at = None  # rate the next fix
    ticket.resolve_due_at = now + timedelta(minutes=ticket.resolve_window_minutes)
    ticket.alert_round += 1
    await transitions.change(
        session,
        ticket,
        actor,
        A.REOPEN,
        now=now,
        version=version,
        data={"reason": why} if why else None,
    )
    done = await transitions.announce(
        session, ticket, actor, action="reopened", now=now, policy=policy
    )
    await notices.tell_assignee(
        session,
        ticket,
        TicketWork(ticket=done, why="reopened", reason=why),
        now=now,
        policy=policy,
        exclude=actor.user_id,
    )
    return done


async def cancel(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    now: datetime,
    policy: Policy,
    *,
    version: int | None = None,
) -> TicketInfo:
    """Withdrawn by the reporter before anyone claimed it."""
    ticket = await info.get(session, ticket_id)
    await transitions.change(session, ticket, actor, A.CANCEL, now=now, version=version)
    ticket.cancelled_at = now
    return await transitions.announce(
        session, ticket, actor, action="cancelled", now=now, policy=policy
    )


async def rate(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    stars: int,
    now: datetime,
    policy: Policy,
    *,
    version: int | None = None,
) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    await transitions.check(session, ticket, A.RATE, actor, now=now, version=version)
    if not 1 <= stars <= 5:
        raise InvalidInput(N_("Please rate from 1 to 5 stars."))
    await transitions.change(
        session, ticket, actor, A.RATE, now=now, version=version, data={"rating": stars}
    )
    ticket.rating = stars
    ticket.rated_at = now
    await transitions.save(session, ticket)
    done = await info.describe(session, ticket)
    await _feedback(session, ticket, actor, done, "rated", now, policy)
    return done


async def comment(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    text: str,
    now: datetime,
    policy: Policy,
) -> TicketInfo:
    """A few words with the rating, once."""
    ticket = await info.get(session, ticket_id)
    await transitions.check(session, ticket, A.COMMENT, actor, now=now)
    words = clean_comment(text)
    await transitions.change(session, ticket, actor, A.COMMENT, now=now, data={"comment": words})
    ticket.rating_comment = words
    await transitions.save(session, ticket)
    done = await info.describe(session, ticket)
    await _feedback(session, ticket, actor, done, "commented", now, policy)
    return done


# ---- time ----------------------------------------------------------------------------------


async def auto_close(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Resolved tickets nobody confirmed within 3 days close themselves. Returns rows written."""
    tickets = (
        await session.scalars(
            select(Ticket)
            .where(
                Ticket.status == TicketStatus.RESOLVED, Ticket.resolved_at <= now - AUTO_CLOSE_AFTER
            )
            .order_by(Ticket.resolved_at)
            .limit(500)
        )
    ).all()
    written = 0
    for ticket in tickets:
        try:
            async with session.begin_nested():
                written += await _close_unanswered(session, ticket, now, policy)
        except TicketChanged:
            continue  # the reporter answered just now
    return written


async def _close_unanswered(
    session: AsyncSession, ticket: Ticket, now: datetime, policy: Policy
) -> int:
    assert ticket.resolved_at is not None
    reopen_until = ticket.resolved_at + REOPEN_WITHIN
    await transitions.change(session, ticket, None, A.AUTO_CLOSE, now=now)
    ticket.closed_at = now
    await transitions.save(session, ticket)
    done = await info.describe(session, ticket)
    await notices.refresh_cards(session, ticket, done, now)
    return await notices.tell_answerers(
        session,
        ticket,
        TicketAutoClosed(ticket=done, reopen_until=reopen_until),
        now=now,
        policy=policy,
    )
