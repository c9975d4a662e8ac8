"""The messages a notice sends: the post in the residents' groups, the private letter to each
member in scope, the one reminder to those who did not acknowledge, and the author's news that
the deadline passed. Each carries the notice as residents see it (`NoticeInfo`)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from services.outbox import OutboxPayload


class NoticeInfo(BaseModel):
    """A notice as views show it; frozen when it is scheduled (a sent notice never changes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    courtyard: str
    author: str
    text: str
    attachment_kind: str | None = None  # photo, document
    attachment_file_id: str | None = None
    urgent: bool = False
    needs_ack: bool = False
    ack_deadline: datetime | None = None
    # who it is for: buildings ("2号楼") and units ("1号楼 2单元"); empty: the whole courtyard
    buildings: tuple[str, ...] = ()
    units: tuple[tuple[str, str], ...] = ()
    corrects_sent_at: datetime | None = None  # a correction: when the notice it corrects went out
    goes_out_at: datetime | None = None


class NoticePost(OutboxPayload):
    """In the courtyard's residents' group(s); urgent ones are pinned."""

    kind: ClassVar[str] = "notice.post"
    notice: NoticeInfo


class NoticeLetter(OutboxPayload):
    """In private, to every approved member of the households in scope."""

    kind: ClassVar[str] = "notice.letter"
    notice: NoticeInfo


class NoticeReminder(OutboxPayload):
    """After the deadline, once: to the members of households that did not acknowledge."""

    kind: ClassVar[str] = "notice.reminder"
    notice: NoticeInfo


class NoticeDeadlinePassed(OutboxPayload):
    """To the author: the deadline passed; how many households confirmed."""

    kind: ClassVar[str] = "notice.deadline"
    notice_id: int
    courtyard: str
    text: str
    households: int
    acknowledged: int
