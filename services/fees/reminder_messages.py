"""The messages of fee reminders: the reminder itself (one per member of the household, with
the answer buttons), a resident's answer for finance and the grid leader, and the list of
formal notices for finance (with the printable notices)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from models import ReminderAnswer, ReminderStage
from services.outbox import OutboxPayload


class BillBreakdown(BaseModel):
    """The period's bill line as it was frozen: area × rate + spaces × fee, × percent."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    area_centi_m2: int
    rate_per_m2: int  # 1/10000 ¥ per m² per month
    parking_spaces: int
    parking_fee_fen: int
    adjustment_percent: int
    amount_fen: int


class FeeReminderMessage(OutboxPayload):
    """To each member of a household that owes: the stage says which words."""

    kind: ClassVar[str] = "fee.reminder"
    reminder_id: int
    stage: ReminderStage
    courtyard: str
    household: str  # its label, e.g. '2号楼-1单元-501'
    period: str
    owed_fen: int  # still owed for the period
    total_owed_fen: int  # for every open month up to the period
    months: tuple[str, ...]  # the open months, oldest first
    due: date  # the period's last day
    issued_on: date  # the local day it was written
    deadline: date | None = None  # a formal notice's
    bill: BillBreakdown


class FeeReminderAnswered(OutboxPayload):
    """To finance (and, for a dispute or a move, the grid leaders): what a resident said."""

    kind: ClassVar[str] = "fee.reminder_answer"
    reminder_id: int
    courtyard: str
    household: str
    period: str
    stage: ReminderStage
    owed_fen: int
    answer: ReminderAnswer
    note: str | None = None  # what the resident typed
    by: str
    pause_id: int | None = None  # a dispute paused the reminders: finance may lift it
    for_finance: bool = False  # show finance's button to lift the pause


class FormalNotice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    household: str
    owner_name: str | None
    total_owed_fen: int
    months: tuple[str, ...]
    reachable: bool  # sent on Telegram; else to be delivered on paper


class FeeFormalNoticeList(OutboxPayload):
    """To finance: the formal notices of a run, with a printable PDF of them all."""

    kind: ClassVar[str] = "fee.formal_list"
    courtyard: str
    period: str
    issued_on: date
    deadline: date
    notices: tuple[FormalNotice, ...]
