"""The ticket's state machine as data (which action is allowed from which state, and who may
do it), and what every change does: status, version, event, next deadline alert, cards."""

from __future__ import annotations

import enum
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from models import Ticket, TicketStatus
from models import TicketStatus as S
from services import events
from services.access import Actor, Role
from services.errors import NotAllowed
from services.policy import Policy
from services.statemachine import SAME, Refusal, StateMachine, Transition
from services.tickets import alerts, notices
from services.tickets.errors import (
    AlreadyClaimed,
    AlreadyRated,
    NotAssignee,
    NotReporter,
    ReopenTooLate,
    TicketCancelled,
    TicketChanged,
    TicketMovedOn,
)
from services.tickets.info import TicketInfo, describe
from services.tickets.messages import TicketResolved, TicketUpdate, UpdateAction
from services.tickets.permissions import LEADERS, WORKERS, Party

REOPEN_WITHIN = timedelta(days=7)


class TicketAction(enum.StrEnum):
    CLAIM = "claim"
    ASSIGN = "assign"
    START = "start"
    RESUME = "resume"
    HOLD = "hold"
    RESOLVE = "resolve"
    CANCEL = "cancel"
    CONFIRM = "confirm"
    RATE = "rate"
    COMMENT = "comment"
    REOPEN = "reopen"
    AUTO_CLOSE = "auto_close"


@dataclass(frozen=True)
class Facts:
    """What the table's conditions look at beyond the state."""

    rated: bool
    commented: bool
    reopenable: bool  # fixed within REOPEN_WITHIN of `now`


class _Rated(Protocol):
    @property
    def rating(self) -> int | None: ...
    @property
    def rating_comment(self) -> str | None: ...
    @property
    def resolved_at(self) -> datetime | None: ...


def facts(ticket: _Rated, now: datetime | None) -> Facts:
    """Of a ticket row or a TicketInfo; without `now`, nothing can be reopened."""
    return Facts(
        rated=ticket.rating is not None,
        commented=bool(ticket.rating_comment),
        reopenable=(
            now is not None
            and ticket.resolved_at is not None
            and now <= ticket.resolved_at + REOPEN_WITHIN
        ),
    )


A = TicketAction
P = Party
WORKING = {S.CLAIMED, S.IN_PROGRESS, S.REOPENED}
# the order is the order of the buttons
MACHINE: StateMachine[TicketStatus, TicketAction, Party] = StateMachine(
    {
        A.START: Transition({S.CLAIMED, S.REOPENED}, S.IN_PROGRESS, {P.ASSIGNEE}, event="started"),
        A.RESUME: Transition({S.ON_HOLD}, S.IN_PROGRESS, {P.ASSIGNEE}, event="resumed"),
        A.HOLD: Transition({*WORKING, S.ON_HOLD}, S.ON_HOLD, {P.ASSIGNEE}, event="held"),
        A.RESOLVE: Transition(WORKING, S.RESOLVED, {P.ASSIGNEE}, event="resolved"),
        A.CLAIM: Transition({S.NEW}, S.CLAIMED, {P.WORKER}, event="claimed"),
        A.CANCEL: Transition({S.NEW}, S.CANCELLED, {P.REPORTER}, event="cancelled"),
        A.CONFIRM: Transition({S.RESOLVED}, S.CLOSED, {P.REPORTER}, event="confirmed"),
        A.RATE: Transition(
            {S.CLOSED}, SAME, {P.REPORTER}, when=lambda f: not f.rated, event="rated"
        ),
        A.COMMENT: Transition(
            {S.CLOSED},
            SAME,
            {P.REPORTER},
            when=lambda f: f.rated and not f.commented,
            event="commented",
        ),
        A.REOPEN: Transition(
            {S.RESOLVED, S.CLOSED},
            S.REOPENED,
            {P.REPORTER},
            when=lambda f: f.reopenable,
            event="reopened",
        ),
        A.ASSIGN: Transition({S.NEW, *WORKING, S.ON_HOLD}, SAME, {P.LEADER}, event="assigned"),
        A.AUTO_CLOSE: Transition({S.RESOLVED}, S.CLOSED, {P.SYSTEM}, event="auto_closed"),
    }
)
WORKER_STEPS = frozenset({A.START, A.RESUME, A.HOLD, A.RESOLVE})
REPORTER_STEPS = frozenset({A.CANCEL, A.CONFIRM, A.RATE, A.COMMENT, A.REOPEN})


async def parties(session: AsyncSession, actor: Actor | None, ticket: Ticket) -> frozenset[Party]:
    """In what capacities `actor` stands towards the ticket now (None: the system)."""
    if actor is None:
        return frozenset({Party.SYSTEM})
    held = {
        Party.REPORTER: actor.user_id in await notices.answerers(session, ticket),
        Party.ASSIGNEE: ticket.assignee_id == actor.user_id
        and actor.has(Role.REPAIR, ticket.courtyard_id),
        Party.WORKER: actor.has_any(WORKERS, ticket.courtyard_id),
        Party.LEADER: actor.has_any(LEADERS, ticket.courtyard_id),
    }
    return frozenset(p for p, yes in held.items() if yes)


def _not_yours(actor: Actor | None, ticket: Ticket, action: TicketAction) -> Exception:
    if action in WORKER_STEPS:
        if actor is not None and actor.has(Role.REPAIR, ticket.courtyard_id):
            return NotAssignee(number=ticket.number)
        return NotAllowed(roles=(Role.REPAIR,))
    if action in REPORTER_STEPS:
        return NotReporter(number=ticket.number)
    if action is A.CLAIM:
        return NotAllowed(roles=WORKERS)
    return NotAllowed(roles=LEADERS)


async def check(
    session: AsyncSession,
    ticket: Ticket,
    action: TicketAction,
    actor: Actor | None,
    *,
    now: datetime,
    version: int | None = None,
    held: AbstractSet[Party] | None = None,
) -> TicketStatus:
    """The state `action` moves the ticket to, or the reason it may not, as the person
    should hear it. `version` is the one the tapped button was shown for: a button on a
    message the ticket has moved on from does nothing and says where it stands now."""
    held = held if held is not None else await parties(session, actor, ticket)
    refusal = MACHINE.refusal(ticket.status, action, held, facts(ticket, now))
    if refusal is Refusal.PARTY:
        raise _not_yours(actor, ticket, action)
    if refusal is Refusal.STATE:
        if ticket.status is S.CANCELLED:
            raise TicketCancelled(number=ticket.number)
        if action is A.CLAIM and ticket.assignee_id is not None:
            info = await describe(session, ticket)
            raise AlreadyClaimed(number=ticket.number, name=info.assignee)
        raise TicketMovedOn(await describe(session, ticket))
    if version is not None and version != ticket.version:
        raise TicketMovedOn(await describe(session, ticket))
    if refusal is Refusal.CONDITION:
        if action is A.REOPEN:
            raise ReopenTooLate(number=ticket.number, days=REOPEN_WITHIN.days)
        raise AlreadyRated(number=ticket.number)
    return MACHINE.target(ticket.status, action)


async def change(
    session: AsyncSession,
    ticket: Ticket,
    actor: Actor | None,
    action: TicketAction,
    *,
    now: datetime,
    version: int | None = None,
    data: dict[str, Any] | None = None,
    event: str | None = None,
    moved_from: TicketStatus | None = None,
) -> None:
    """Check, move the ticket and write its event (who, when, from what to what, which
    channel): the one way a ticket changes. `moved_from`: the row was already moved by a
    conditional UPDATE that checked its state itself (claiming); only the event is left."""
    if moved_from is None:
        before = ticket.status
        ticket.status = await check(session, ticket, action, actor, now=now, version=version)
        ticket.version += 1
    else:
        before = moved_from
    to = ticket.status
    ticket.next_alert_at = alerts.next_alert_at(ticket)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="ticket",
        subject_id=ticket.id,
        action=event or MACHINE.event(action),
        courtyard_id=ticket.courtyard_id,
        from_state=before.value,
        to_state=to.value,
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
