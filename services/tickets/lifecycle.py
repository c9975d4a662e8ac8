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
from services.tickets import info, notices, transitions
from services.tickets.errors import AlreadyRated, NotReporter, ReopenTooLate, TicketChanged
from services.tickets.info import TicketInfo
from services.tickets.messages import TicketAutoClosed, TicketFeedback, TicketWork

AUTO_CLOSE_AFTER = timedelta(days=3)
REOPEN_WITHIN = timedelta(days=7)
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


async def _require_answerer(session: AsyncSession, actor: Actor, ticket: Ticket) -> None:
    if actor.user_id not in await notices.answerers(session, ticket):
        raise NotReporter(number=ticket.number)


WORKER_STEPS = frozenset({"start", "hold", "resume", "resolve"})


async def can(session: AsyncSession, actor: Actor, ticket_id: int, action: str) -> TicketInfo:
    """Would `action` be allowed now? Asked before a step that needs more input (a note, a
    date, a rating), so the person hears 'no' before typing; the change checks again."""
    ticket = await info.get(session, ticket_id)
    if action in WORKER_STEPS:
        transitions.require_assignee(actor, ticket)
    else:
        await _require_answerer(session, actor, ticket)
    await transitions.check(session, ticket, action)
    if action == "rate" and ticket.rating is not None:
        raise AlreadyRated(number=ticket.number)
    return await info.describe(session, ticket)


# ---- the worker ----------------------------------------------------------------------------


async def start(
    session: AsyncSession, actor: Actor, ticket_id: int, now: datetime, policy: Policy
) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    transitions.require_assignee(actor, ticket)
    await transitions.check(session, ticket, "start")
    ticket.started_at = ticket.started_at or now
    transitions.change(
        session, ticket, actor, action="started", to=TicketStatus.IN_PROGRESS, now=now
    )
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
) -> TicketInfo:
    """Waiting for parts or a contractor: the resolve clock stops until the work resumes."""
    ticket = await info.get(session, ticket_id)
    transitions.require_assignee(actor, ticket)
    await transitions.check(session, ticket, "hold")
    reason = clean_reason(reason)
    today = policy.local(now).date()
    if not today <= until <= today + timedelta(days=HOLD_MAX_DAYS):
        raise InvalidInput(N_("Please choose a date from today to 90 days ahead."))
    ticket.held_at = now
    ticket.hold_reason = reason
    ticket.hold_until = hold_end(until, policy)
    ticket.alert_round += 1
    transitions.change(
        session,
        ticket,
        actor,
        action="held",
        to=TicketStatus.ON_HOLD,
        now=now,
        data={"reason": reason, "until": until.isoformat()},
    )
    return await transitions.announce(session, ticket, actor, action="held", now=now, policy=policy)


async def resume(
    session: AsyncSession, actor: Actor, ticket_id: int, now: datetime, policy: Policy
) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    transitions.require_assignee(actor, ticket)
    await transitions.check(session, ticket, "resume")
    if ticket.held_at is not None:
        ticket.resolve_due_at += now - ticket.held_at  # the clock stood still on hold
    ticket.held_at = None
    ticket.hold_until = None
    ticket.alert_round += 1
    ticket.started_at = ticket.started_at or now
    transitions.change(
        session, ticket, actor, action="resumed", to=TicketStatus.IN_PROGRESS, now=now
    )
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
) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    transitions.require_assignee(actor, ticket)
    await transitions.check(session, ticket, "resolve")
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
    transitions.change(
        session,
        ticket,
        actor,
        action="resolved",
        to=TicketStatus.RESOLVED,
        now=now,
        data={"note": note},
    )
    return await transitions.announce(
        session, ticket, actor, action="resolved", now=now, policy=policy
    )


# ---- the reporter --------------------------------------------------------------------------


async def confirm(
    session: AsyncSession, actor: Actor, ticket_id: int, now: datetime, policy: Policy
) -> TicketInfo:
    """The reporter says it is fixed: the ticket closes and can be rated."""
    ticket = await info.get(session, ticket_id)
    await _require_answerer(session, actor, ticket)
    await transitions.check(session, ticket, "confirm")
    ticket.closed_at = now
    transitions.change(session, ticket, actor, action="confirmed", to=TicketStatus.CLOSED, now=now)
    done = await transitions.announce(
        session, ticket, actor, action="confirmed", now=now, policy=policy
    )
    await notices.tell_assignee(
        session,
        ticket,
        TicketFeedback(ticket=done, action="confirmed"),
        now=now,
        policy=policy,
        exclude=actor.user_id,
    )
    return done


async def reopen(
    session: AsyncSession, actor: Actor, ticket_id: int, now: datetime, policy: Policy
) -> TicketInfo:
    """Not fixed: back to the worker who had it, with a fresh time to resolve."""
    ticket = await info.get(session, ticket_id)
    await _require_answerer(session, actor, ticket)
    await transitions.check(session, ticket, "reopen")
    if ticket.resolved_at is None or now > ticket.resolved_at + REOPEN_WITHIN:
        raise ReopenTooLate(number=ticket.number)
    ticket.reopened_at = now
    ticket.reopen_count += 1
    ticket.closed_at = None
    ticket.rating = ticket.rating_comment = ticket.rated_at = None  # rate the next fix
    ticket.resolve_due_at = now + timedelta(minutes=ticket.resolve_window_minutes)
    ticket.alert_round += 1
    transitions.change(session, ticket, actor, action="reopened", to=TicketStatus.REOPENED, now=now)
    done = await transitions.announce(
        session, ticket, actor, action="reopened", now=now, policy=policy
    )
    await notices.tell_assignee(
        session,
        ticket,
        TicketWork(ticket=done, why="reopened"),
        now=now,
        policy=policy,
        exclude=actor.user_id,
    )
    return done


async def cancel(
    session: AsyncSession, actor: Actor, ticket_id: int, now: datetime, policy: Policy
) -> TicketInfo:
    """Withdrawn by the reporter before anyone claimed it."""
    ticket = await info.get(session, ticket_id)
    await _require_answerer(session, actor, ticket)
    await transitions.check(session, ticket, "cancel")
    ticket.cancelled_at = now
    transitions.change(
        session, ticket, actor, action="cancelled", to=TicketStatus.CANCELLED, now=now
    )
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
) -> TicketInfo:
    ticket = await info.get(session, ticket_id)
    await _require_answerer(session, actor, ticket)
    await transitions.check(session, ticket, "rate")
    if ticket.rating is not None:
        raise AlreadyRated(number=ticket.number)
    if not 1 <= stars <= 5:
        raise InvalidInput(N_("Please rate from 1 to 5 stars."))
    ticket.rating = stars
    ticket.rated_at = now
    transitions.change(
        session,
        ticket,
        actor,
        action="rated",
        to=TicketStatus.CLOSED,
        now=now,
        data={"rating": stars},
    )
    await transitions.save(session, ticket)
    done = await info.describe(session, ticket)
    await notices.tell_assignee(
        session,
        ticket,
        TicketFeedback(ticket=done, action="rated"),
        now=now,
        policy=policy,
        exclude=actor.user_id,
    )
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
    await _require_answerer(session, actor, ticket)
    if ticket.status is not TicketStatus.CLOSED or ticket.rating is None:
        raise TicketChanged(number=ticket.number)
    if ticket.rating_comment:
        raise AlreadyRated(number=ticket.number)
    ticket.rating_comment = clean_comment(text)
    transitions.change(
        session,
        ticket,
        actor,
        action="commented",
        to=TicketStatus.CLOSED,
        now=now,
        data={"comment": ticket.rating_comment},
    )
    await transitions.save(session, ticket)
    done = await info.describe(session, ticket)
    await notices.tell_assignee(
        session,
        ticket,
        TicketFeedback(ticket=done, action="commented"),
        now=now,
        policy=policy,
        exclude=actor.user_id,
    )
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
    ticket.closed_at = now
    transitions.change(
        session,
        ticket,
        None,
        action="auto_closed",
        to=TicketStatus.CLOSED,
        now=now,
        channel="system",
    )
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
