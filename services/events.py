"""Writing the event log: every state change says who, when, what, and from which channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Event
from services.access import Actor


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: Actor | None,
    subject_type: str,
    subject_id: int | None,
    action: str,
    courtyard_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    channel: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    event = Event(
        at=at,
        actor_id=actor.user_id if actor else None,
        courtyard_id=courtyard_id,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        channel=channel or (actor.channel if actor else "system"),
        data=data or {},
    )
    session.add(event)
    return event
