"""Deadlines that escalate: a reminder before a deadline, the grid leaders when it passes,
the service center when it passes by as much again; and a morning digest for the team.

Every ticket carries `next_alert_at`, the time the sweep should look at it again, so the
sweep reads only the tickets with something due. Each step goes out once: its outbox
dedupe key names the ticket, the deadline round, the step and the recipient."""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from models import OPEN_STATUSES, WORKING_STATUSES, Courtyard, Ticket, TicketStatus, Urgency
from services.outbox import Recipient
from services.policy import Policy
from services.tickets import notices
from services.tickets.deadlines import current_due
from services.tickets.info import describe
from services.tickets.messages import TicketAlert, TicketDigest

REMIND_LEAD_MAX = timedelta(hours=2)
HOLD_GRACE = timedelta(days=1)  # a hold past its expected day goes to the leaders a day later
SWEEP_BATCH = 500


class Audience(enum.StrEnum):
    TEAM = "team"
    ASSIGNEE = "assignee"
    LEADERS = "leaders"
    ADMINS = "admins"


@dataclass(frozen=True)
class Step:
    name: str  # e.g. "claim-remind", "resolve-leaders", "hold-due"
    at: datetime
    due: datetime
    audience: Audience
    remind: bool = False  # a reminder is pointless once its deadline has passed


def _phase(name: str, due: datetime, window: timedelta, audience: Audience) -> list[Step]:
    lead = min(window / 4, REMIND_LEAD_MAX)
    return [
        Step(f"{name}-remind", due - lead, due, audience, remind=True),
        Step(f"{name}-leaders", due, due, Audience.LEADERS),
        Step(f"{name}-admins", due + window, due, Audience.ADMINS),
    ]


def plan(ticket: Ticket) -> list[Step]:
    """The reminders and escalations of the deadline that runs now."""
    if ticket.status is TicketStatus.NEW:
        window = timedelta(minutes=ticket.claim_window_minutes)
        return _phase("claim", ticket.claim_due_at, window, Audience.TEAM)
    if ticket.status in WORKING_STATUSES:
        window = timedelta(minutes=ticket.resolve_window_minutes)
        return _phase("resolve", ticket.resolve_due_at, window, Audience.ASSIGNEE)
    if ticket.status is TicketStatus.ON_HOLD and ticket.hold_until is not None:
        until = ticket.hold_until
        return [
            Step("hold-due", until, until, Audience.ASSIGNEE),
            Step("hold-leaders", until + HOLD_GRACE, until, Audience.LEADERS),
        ]
    return []


def next_alert_at(ticket: Ticket, after: datetime | None = None) -> datetime | None:
    return min((s.at for s in plan(ticket) if after is None or s.at > after), default=None)


async def _recipients(session: AsyncSession, ticket: Ticket, audience: Audience) -> list[Recipient]:
    if audience is Audience.TEAM:
        return await notices.team(session, ticket.courtyard_id)
    if audience is Audience.ASSIGNEE:
        return [Recipient(user_id=ticket.assignee_id)] if ticket.assignee_id else []
    if audience is Audience.LEADERS:
        return await notices.leaders(session, ticket.courtyard_id)
    return await notices.admins(session, ticket.courtyard_id)


async def sweep(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Send the reminders and escalations that are due. Returns outbox rows written."""
    tickets = (
        await session.scalars(
            select(Ticket)
            .where(Ticket.next_alert_at <= now, Ticket.status.in_(OPEN_STATUSES))
            .order_by(Ticket.next_alert_at)
            .limit(SWEEP_BATCH)
        )
    ).all()
    written = 0
    for ticket in tickets:
        try:
            async with session.begin_nested():
                written_here = await _alert(session, ticket, now, policy)
        except StaleDataError:
            continue  # changed meanwhile (claimed, fixed): its new state plans its own alerts
        written += written_here
    return written


async def _alert(session: AsyncSession, ticket: Ticket, now: datetime, policy: Policy) -> int:
    """One ticket's due steps, then when to look at it again (flushed, so a concurrent
    change shows here and costs this ticket only)."""
    written = 0
    steps = [s for s in plan(ticket) if s.at <= now and not (s.remind and s.due <= now)]
    if steps:
        info = await describe(session, ticket)
    for step in steps:
        written += await notices.send(
            session,
            await _recipients(session, ticket, step.audience),
            TicketAlert(ticket=info, step=step.name, due=step.due),
            dedupe_key=f"ticket-alert:{ticket.id}:r{ticket.alert_round}:{step.name}",
            now=now,
            quiet=notices.quiet(ticket, policy),
        )
    ticket.next_alert_at = next_alert_at(ticket, after=now)
    await session.flush()
    return written


async def digest(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Each morning, what is open in each courtyard: to its staff group, else its workers."""
    rows = (
        await session.execute(
            select(
                Ticket.courtyard_id,
                Ticket.number,
                Ticket.status,
                Ticket.urgency,
                Ticket.claim_due_at,
                Ticket.resolve_due_at,
                Ticket.hold_until,
            )
            .where(Ticket.status.in_(OPEN_STATUSES))
            .order_by(Ticket.courtyard_id, Ticket.created_at)
        )
    ).all()
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    overdue: dict[int, list[str]] = defaultdict(list)
    urgent: Counter[int] = Counter()
    for courtyard_id, number, status, urgency, claim_due, resolve_due, hold_until in rows:
        counts[courtyard_id][status.value] += 1
        urgent[courtyard_id] += urgency is Urgency.URGENT
        due = current_due(status, claim_due, resolve_due, hold_until)
        if due is not None and due <= now:
            overdue[courtyard_id].append(number)
    day = policy.local(now).date().isoformat()
    written = 0
    for courtyard_id, by_status in sorted(counts.items()):
        courtyard = await session.get(Courtyard, courtyard_id)
        assert courtyard is not None
        recipients = await notices.team(session, courtyard_id)
        groups = [r for r in recipients if r.chat_id is not None]
        written += await notices.send(
            session,
            groups or recipients,
            TicketDigest(
                courtyard=courtyard.name,
                counts=dict(by_status),
                total=sum(by_status.values()),
                urgent=urgent[courtyard_id],
                overdue=tuple(overdue[courtyard_id][:10]),
                overdue_count=len(overdue[courtyard_id]),
            ),
            dedupe_key=f"ticket-digest:{courtyard_id}:{day}",
            now=now,
            quiet=policy,
        )
    return written
