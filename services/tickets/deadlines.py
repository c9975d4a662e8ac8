"""Time to claim and time to resolve, per courtyard, category and urgency.

Defaults live here; a courtyard row overrides them, for one category or for all ('*')."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ALL_CATEGORIES,
    WORKING_STATUSES,
    Courtyard,
    TicketCategory,
    TicketDeadline,
    TicketStatus,
    Urgency,
)
from services import events
from services.access import Actor, require
from services.errors import N_, InvalidInput, NotFound
from services.tickets.permissions import LEADERS


@dataclass(frozen=True)
class Window:
    claim_minutes: int
    resolve_minutes: int


DEFAULTS = {
    Urgency.URGENT: Window(claim_minutes=30, resolve_minutes=24 * 60),
    Urgency.NORMAL: Window(claim_minutes=4 * 60, resolve_minutes=72 * 60),
}
MIN_MINUTES = 5
MAX_MINUTES = 60 * 24 * 60  # 60 days


async def window_for(
    session: AsyncSession, courtyard_id: int, category: TicketCategory, urgency: Urgency
) -> Window:
    rows = await session.execute(
        select(
            TicketDeadline.category, TicketDeadline.claim_minutes, TicketDeadline.resolve_minutes
        ).where(
            TicketDeadline.courtyard_id == courtyard_id,
            TicketDeadline.urgency == urgency,
            TicketDeadline.category.in_([category.value, ALL_CATEGORIES]),
        )
    )
    found = {cat: Window(claim, resolve) for cat, claim, resolve in rows.all()}
    return found.get(category.value) or found.get(ALL_CATEGORIES) or DEFAULTS[urgency]


@dataclass(frozen=True)
class Setting:
    category: str  # a TicketCategory value, or '*' for all
    urgency: Urgency
    window: Window
    default: bool


async def settings(session: AsyncSession, actor: Actor, courtyard_id: int) -> list[Setting]:
    """The defaults, then the courtyard's own rows."""
    require(actor, LEADERS, courtyard_id)
    rows = await session.scalars(
        select(TicketDeadline)
        .where(TicketDeadline.courtyard_id == courtyard_id)
        .order_by(TicketDeadline.category, TicketDeadline.urgency)
    )
    found = [
        Setting(r.category, r.urgency, Window(r.claim_minutes, r.resolve_minutes), False)
        for r in rows
    ]
    overridden = {(s.category, s.urgency) for s in found}
    defaults = [
        Setting(ALL_CATEGORIES, urgency, window, True)
        for urgency, window in DEFAULTS.items()
        if (ALL_CATEGORIES, urgency) not in overridden
    ]
    return defaults + found


async def set_window(
    session: AsyncSession,
    actor: Actor,
    *,
    courtyard_id: int,
    category: TicketCategory | None,
    urgency: Urgency,
    window: Window,
    now: datetime,
) -> Window:
    """Set a courtyard's deadlines for one category (or all, None); new tickets use them."""
    require(actor, LEADERS, courtyard_id)
    if await session.get(Courtyard, courtyard_id) is None:
        raise NotFound()
    for minutes in (window.claim_minutes, window.resolve_minutes):
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise InvalidInput(N_("A deadline must be between 5 minutes and 60 days."))
    if window.resolve_minutes < window.claim_minutes:
        raise InvalidInput(N_("The time to resolve cannot be shorter than the time to claim."))
    key = category.value if category else ALL_CATEGORIES
    row = await session.scalar(
        select(TicketDeadline).where(
            TicketDeadline.courtyard_id == courtyard_id,
            TicketDeadline.category == key,
            TicketDeadline.urgency == urgency,
        )
    )
    before = f"{row.claim_minutes}/{row.resolve_minutes}" if row else None
    if row is None:
        row = TicketDeadline(courtyard_id=courtyard_id, category=key, urgency=urgency)
        session.add(row)
    row.claim_minutes = window.claim_minutes
    row.resolve_minutes = window.resolve_minutes
    row.updated_by = actor.user_id
    row.updated_at = now
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="courtyard",
        subject_id=courtyard_id,
        action="ticket_deadline_set",
        courtyard_id=courtyard_id,
        from_state=before,
        to_state=f"{window.claim_minutes}/{window.resolve_minutes}",
        data={"category": key, "urgency": urgency.value},
    )
    return window


_DURATION = re.compile(r"^\s*(\d{1,5})\s*([mhd]?)\s*$", re.IGNORECASE)
_UNIT_MINUTES = {"": 1, "m": 1, "h": 60, "d": 24 * 60}


def parse_duration(text: str) -> int:
    """'30m', '4h', '3d' or plain minutes '90' -> minutes."""
    match = _DURATION.match(text)
    if match is None:
        raise InvalidInput(
            N_("%(text)s is not a duration. Write it like 30m, 4h or 3d."), text=text.strip()
        )
    return int(match.group(1)) * _UNIT_MINUTES[match.group(2).lower()]


def current_due(
    status: TicketStatus,
    claim_due_at: datetime,
    resolve_due_at: datetime,
    hold_until: datetime | None,
) -> datetime | None:
    """The deadline that runs now: to claim, to resolve, or the end of a hold; None if done."""
    if status is TicketStatus.NEW:
        return claim_due_at
    if status in WORKING_STATUSES:
        return resolve_due_at
    if status is TicketStatus.ON_HOLD:
        return hold_until
    return None
