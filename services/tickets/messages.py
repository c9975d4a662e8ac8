"""The messages about tickets: the team's card (and its later edits), the work card for the
assignee, news for the people who reported, feedback, deadline alerts and the morning digest.

Each carries the ticket as views see it (`TicketInfo`). Its after-photo is only for the people
who reported the ticket: the kinds that go to them say so with `shows_after_photo`."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import field_validator

from services.outbox import OutboxPayload
from services.tickets.info import TicketInfo

UpdateAction = Literal[
    "claimed", "assigned", "started", "held", "resumed", "confirmed", "reopened", "cancelled"
]
WorkReason = Literal["claimed", "assigned", "reopened"]
FeedbackAction = Literal["confirmed", "rated", "commented"]


class TicketMessage(OutboxPayload):
    """The base of every message that carries a ticket (not a kind of its own)."""

    shows_after_photo: ClassVar[bool] = False
    ticket: TicketInfo

    @field_validator("ticket")
    @classmethod
    def _after_photo_only_for_reporters(cls, ticket: TicketInfo) -> TicketInfo:
        return ticket if cls.shows_after_photo else ticket.without_after_photo()


class TicketCard(TicketMessage):
    """To the staff group and each repair worker: Claim while it is new; later the card is
    edited (`edit_message_id`) to show who has it."""

    kind: ClassVar[str] = "ticket.card"
    edit_message_id: int | None = None


class TicketWork(TicketMessage):
    """To the worker who has the ticket: why, the facts, the next steps."""

    kind: ClassVar[str] = "ticket.work"
    why: WorkReason
    by: str | None = None  # the grid leader who assigned it
    reason: str | None = None  # why the resident reopened it, in their words


class TicketTakenAway(TicketMessage):
    """To the worker who had it, when a grid leader gave it to someone else."""

    kind: ClassVar[str] = "ticket.taken_away"
    by: str


class TicketUpdate(TicketMessage):
    """To the people who reported: a change made by someone else."""

    kind: ClassVar[str] = "ticket.update"
    shows_after_photo: ClassVar[bool] = True
    action: UpdateAction
    by: str | None = None


class TicketResolved(TicketMessage):
    """To the people who reported: fixed, says the worker; is it? (with the after-photo)"""

    kind: ClassVar[str] = "ticket.resolved"
    shows_after_photo: ClassVar[bool] = True
    by: str | None = None


class TicketAutoClosed(TicketMessage):
    kind: ClassVar[str] = "ticket.autoclosed"
    reopen_until: datetime


class TicketFiledForYou(TicketMessage):
    """To the household's members: staff filed a request for them (after a call or a visit)."""

    kind: ClassVar[str] = "ticket.filed_for_you"
    by: str


class TicketFeedback(TicketMessage):
    """To the worker: the reporter confirmed, rated, or commented."""

    kind: ClassVar[str] = "ticket.feedback"
    action: FeedbackAction


class TicketAlert(TicketMessage):
    """A deadline reminder (team, worker) or an escalation (grid leaders, admins)."""

    kind: ClassVar[str] = "ticket.alert"
    step: str  # alerts.Step.name, e.g. "claim-remind", "resolve-leaders", "hold-due"
    due: datetime


class TicketDigest(OutboxPayload):
    """Each morning, what is open in a courtyard: to its staff group, else its workers."""

    kind: ClassVar[str] = "ticket.digest"
    courtyard: str
    counts: dict[str, int]  # TicketStatus value -> open tickets
    total: int
    urgent: int
    overdue: tuple[str, ...]  # ticket numbers, the first ten
    overdue_count: int
