"""The messages of sign-ups: the announcement (private and in the residents' group), the
waiting-list promotion, a sign-up made for someone by a grid leader, the day-before reminder."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from services.outbox import OutboxPayload


class SlotMessage(OutboxPayload):
    """The base of messages about one person's slot (not a kind of its own). `name` is the
    person signed up; `for_other`: the message goes to the grid leader who signed up a
    neighbour without Telegram, to tell her in person."""

    gathering_id: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    name: str
    for_other: bool = False


class GatheringAnnounced(OutboxPayload):
    """To the approved members in scope (a button to see the times) and to the residents'
    group (a button into the private chat; never names)."""

    kind: ClassVar[str] = "signup.announced"
    gathering_id: int
    courtyard: str
    title: str
    place: str
    description: str
    starts_at: datetime
    ends_at: datetime
    places: int
    in_group: bool = False


class SignupPromoted(SlotMessage):
    """Someone cancelled: the first in the waiting list has the place now."""

    kind: ClassVar[str] = "signup.promoted"


class SignedUpForYou(SlotMessage):
    """A grid leader signed this person up (she is on Telegram)."""

    kind: ClassVar[str] = "signup.signed_for_you"
    by: str
    waiting: bool = False


class SignupReminder(SlotMessage):
    """The day before: the time and the place."""

    kind: ClassVar[str] = "signup.reminder"


class GatheringCancelled(SlotMessage):
    """The organizer called the event off: to everyone signed up or waiting."""

    kind: ClassVar[str] = "signup.gathering_cancelled"
