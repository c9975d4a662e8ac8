"""The messages about votes: the announcement to each household's members, the live card in
the residents' group (participation only), reminders to households that have not voted, the
result notice, and the organizer's note of a conflicting ballot."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from models import VoteRule
from services.outbox import OutboxPayload

ReminderStage = Literal["3d", "1d", "6h"]


class VoteBrief(BaseModel):
    """What every vote message shows of the vote."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: int
    title: str
    rule: VoteRule
    matter: int | None
    closes_at: datetime


class Participation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    heads: int
    total_heads: int
    area: int  # hundredths of m²
    total_area: int


class OptionResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    position: int
    text: str
    heads: int
    area: int


class VoteAnnounced(OutboxPayload):
    """To each member of an eligible household, privately: a button to the ballot."""

    kind: ClassVar[str] = "vote.announced"
    vote: VoteBrief
    text: str


class VoteGroupCard(OutboxPayload):
    """To the residents' group: participation only, and a 🗳 button into the private chat;
    later edited (`edit_message_id`) as ballots come in, and once the vote has closed."""

    kind: ClassVar[str] = "vote.card"
    vote: VoteBrief
    participation: Participation
    closed: bool = False
    edit_message_id: int | None = None


class VoteReminder(OutboxPayload):
    """To the members of a household that has not voted yet."""

    kind: ClassVar[str] = "vote.reminder"
    vote: VoteBrief
    stage: ReminderStage


class VoteResult(OutboxPayload):
    """To the residents' group and every eligible household: the preliminary result."""

    kind: ClassVar[str] = "vote.result"
    vote: VoteBrief
    participation: Participation
    options: list[OptionResult]
    outcome: str  # rules.Outcome
    winner: int | None  # the position of the passed option
    objection_until: datetime
    early_reason: str | None = None
    with_chart: bool = False  # the residents' group gets the chart with it


class BallotConflictNotice(OutboxPayload):
    """To the organizer: a second ballot for a voter was not counted; the first stands."""

    kind: ClassVar[str] = "vote.conflict"
    vote: VoteBrief
    room: str
    kept_channel: str
    refused_channel: str
    same_choice: bool
