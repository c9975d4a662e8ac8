"""The ticket's state machine: which change is allowed from which state, and what every
change does (status, version, event, next deadline alert, refreshed cards)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from models import Ticket, TicketStatus
from models import TicketStatus as S
from services import events
from services.access import Actor, Role
from services.errors import NotAllowed
from services.policy import Policy
from services.tickets import alerts, notices
from services.tickets.errors import AlreadyClaimed, NotAssignee, TicketCancelled, TicketChanged
from services.tickets.info import TicketInfo, describe
from services.tickets.messages import TicketResolved, TicketUpdate, UpdateAction

ALLOWED: dict[str, frozenset[TicketStatus]] = {
    "claim": frozenset({S.NEW}),
    "assign": frozenset({S.NEW, S.CLAIMED, S.REOPENED, S.IN_PROGRESS, S.ON_HOLD}),
    "start": frozenset({S.CLAIMED, S.REOPENED}),
    "hold": frozenset({S.CLAIMED, S.IN_PROGRESS, S.REOPENED}),
    "resume": frozenset({S.ON_HOLD}),
    "resolve": frozenset({S.CLAIMED, S.IN_PROGRESS, S.REOPENED}),
    "confirm": frozenset({S.RESOLVED}),
    "reopen": frozenset({S.RESOLVED, S.CLOSED}),
    "cancel": frozenset({S.NEW}),
    "rate": frozenset({S.CLOSED}),
    "auto_close": frozenset({S.RESOLVED}),
}


def allowed(ticket: Ticket, action: str) -> bool:
    return ticket.status in ALLOWED[action]


async def check(session: AsyncSession, ticket: Ticket, action: str) -> None:
    """Refuse a change the ticket's state does not allow, saying what happened instead."""
    if allowed(ticket, action):
        return
    if ticket.status is S.CANCELLED:
        raise TicketCancelled(number=ticket.number)
    if action == "claim" and ticket.assignee_id is not None:
        info = await describe(session, ticket)
        raise AlreadyClaimed(number=ticket.number, name=info.assignee)
    raise TicketChanged(number=ticket.number)


def require_assignee(actor: Actor, ticket: Ticket) -> None:
    if not actor.has(Role.REPAIR, ticket.courtyard_id):
        raise NotAllowed(roles=(Role.REPAIR,))
    if ticket.assignee_id != actor.user_id:
        raise NotAssignee(number=ticket.number)


def change(
    session: AsyncSession,
    ticket: Ticket,
    actor: Actor | None,
    *,
    action: str,
    to: TicketStatus,
    now: datetime,
    channel: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Move the ticket and write the event (who, when, from what to what, which channel)."""
    before = ticket.status
    ticket.status = to
    ticket.version += 1
    ticket.next_alert_at = alerts.next_alert_at(ticket)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="ticket",
        subject_id=ticket.id,
        action=action,
        courtyard_id=ticket.courtyard_id,
        from_state=before.value,
        to_state=to.value,
        channel=channel,
        data={"number": ticket.number, **(data or {})},
    )


async def save(session: AsyncSession, ticket: Ticket) -> None:
    """Write the change now; if someone changed the ticket meanwhile, say so (nothing kept)."""
    number = ticket.number  # the failed flush expires the object; read it before
    try:
        await session.flush()
    except StaleDataError:
        raise TicketChanged(number=number) from None


async def announce(
    session: AsyncSession,
    ticket: Ticket,
    actor: Actor | None,
    *,
    action: UpdateAction | Literal["resolved"],
    now: datetime,
    policy: Policy,
) -> TicketInfo:
    """After a change: refresh the team's cards and tell the reporter (not the actor)."""
    await save(session, ticket)
    info = await describe(session, ticket)
    await notices.refresh_cards(session, ticket, info, now)
    by = actor.name if actor else None
    news: TicketResolved | TicketUpdate
    if action == "resolved":  # is it fixed? the reporter answers it
        news = TicketResolved(ticket=info, by=by)
    else:
        news = TicketUpdate(ticket=info, action=action, by=by)
    await notices.tell_answerers(
        session,
        ticket,
        news,
        now=now,
        policy=policy,
        exclude=actor.user_id if actor else None,
    )
    return info
