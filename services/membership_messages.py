"""The messages of joining: a request to those who decide, the answer to the person, the
registration by a grid leader, and the daily digest of requests left waiting."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from models import Relation
from services.access import Role
from services.outbox import OutboxPayload


class MembershipRequested(OutboxPayload):
    """To a grid leader: someone asks to join a household; with Approve / Reject buttons.
    Also the card a leader decides from in /pending."""

    kind: ClassVar[str] = "membership.requested"
    membership_id: int
    name: str
    courtyard: str
    household: str
    relation: Relation
    area_centi_m2: int
    owner_name: str | None = None
    requested_at: datetime
    members: tuple[tuple[str, Relation], ...] = ()  # who is approved for the room now
    recognised: str | None = None  # a registered neighbour the asker looks like


class MembershipApproved(OutboxPayload):
    """To the person: welcome; `roles` (what they hold now) chooses the menu they get."""

    kind: ClassVar[str] = "membership.approved"
    courtyard: str
    household: str
    leader: str
    roles: tuple[Role, ...]


class MembershipRejected(OutboxPayload):
    kind: ClassVar[str] = "membership.rejected"
    courtyard: str
    household: str
    leader: str
    reason: str | None = None  # a key of the reasons offered, or the leader's own words


class MembershipRegistered(OutboxPayload):
    """To a neighbour a grid leader registered (once they are on Telegram)."""

    kind: ClassVar[str] = "membership.registered"
    courtyard: str
    household: str
    leader: str
    roles: tuple[Role, ...]


class WaitingRequests(BaseModel):
    """One courtyard's line in the digest."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    courtyard: str
    count: int
    oldest: datetime


class PendingDigest(OutboxPayload):
    """To whoever decides, each morning: requests waiting for more than a day."""

    kind: ClassVar[str] = "membership.digest"
    items: tuple[WaitingRequests, ...]
