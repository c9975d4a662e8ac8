"""The ledger's outbox kinds. Each carries what its view shows (rendered at send time, without
the store): names, integer amounts, the published figures and lines."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from services.outbox import OutboxPayload


class LineFacts(BaseModel):
    """One ledger line as a message shows it (never who asked about it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    seq: int
    booked_on: date
    kind: str
    category: str
    amount_fen: int
    counterparty: str
    description: str
    source: str = "manual"


class LedgerApprovalNeeded(OutboxPayload):
    """To the courtyard's admins: a large expense waits for a second person's decision."""

    kind: ClassVar[str] = "ledger.approval_needed"
    courtyard_id: int
    courtyard: str
    line: LineFacts
    booked_by: str
    threshold_fen: int
    evidence: int = 0  # photos and files of the invoice: shown on request (📎)


class LedgerDecided(OutboxPayload):
    """To whoever booked the expense: approved or rejected, by whom."""

    kind: ClassVar[str] = "ledger.decided"
    courtyard: str
    line: LineFacts
    approved: bool
    by: str
    note: str = ""


Part = Literal["summary", "xlsx", "pdf"]


class LedgerDisclosure(OutboxPayload):
    """A published month (公示): the picture with the summary, or one of its two files."""

    kind: ClassVar[str] = "ledger.disclosure"
    part: Part
    disclosure_id: int
    courtyard_id: int
    courtyard: str
    month: str
    version: int
    figures: dict[str, Any]
    changes: dict[str, Any]
    head_seq: int
    fingerprint: str
    questions_until: date
    lines: list[LineFacts] = []


class LedgerQuestionAsked(OutboxPayload):
    """To finance and the grid leaders: a resident asks about a published line."""

    kind: ClassVar[str] = "ledger.question"
    question_id: int
    courtyard: str
    line: LineFacts
    question: str


class LedgerQuestionAnswered(OutboxPayload):
    """To the residents' group and the asker: the question with its answer, nobody's name."""

    kind: ClassVar[str] = "ledger.answer"
    question_id: int
    courtyard: str
    line: LineFacts
    question: str
    answer: str


class LedgerChainBroken(OutboxPayload):
    """To supervisors and admins: the daily check found a line that does not match."""

    kind: ClassVar[str] = "ledger.chain_broken"
    courtyard: str
    seq: int
    problem: str
    day: date
