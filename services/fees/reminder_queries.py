"""What the reminder sweep reads and updates in sets: the households of a courtyard due for a
stage of a period (one query), and the outcomes of reminders waiting in the outbox."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Exists, String, and_, cast, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    BillLine,
    FeeReminder,
    FeeReminderPause,
    Household,
    Membership,
    OutboxMessage,
    OutboxStatus,
    PaymentAllocation,
    PaymentReversal,
    ReminderOutcome,
    ReminderStage,
)

# two reminders about the same month at least this far apart (a late bill run would otherwise
# bring the notice and the friendly reminder together)
MIN_GAP = timedelta(days=3)
# reminders whose outcome is still looked up in the outbox
OUTCOME_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class OpenLine:
    period: str
    owed_fen: int
    area_centi_m2: int
    rate_per_m2: int
    parking_spaces: int
    parking_fee_fen: int
    adjustment_percent: int
    amount_fen: int


@dataclass
class DueHousehold:
    id: int
    label: str
    owner_name: str | None
    lines: list[OpenLine] = field(default_factory=list)  # open months up to the period

    def line(self, period: str) -> OpenLine:
        return next(line for line in self.lines if line.period == period)

    @property
    def total_owed_fen(self) -> int:
        return sum(line.owed_fen for line in self.lines)

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(line.period for line in self.lines)


def _label(building: str, unit: str, room: str) -> str:
    return "-".join(p for p in (building, unit, room) if p)  # as Household.label()


async def due_households(
    session: AsyncSession,
    courtyard_id: int,
    period: str,
    stage: ReminderStage,
    now: datetime,
    upto: str | None = None,
) -> list[DueHousehold]:
    """Households still owing for `period` that have not had this stage for it, are not
    paused by a dispute, and had no reminder about it in the last few days; with every open
    month up to `upto` (default: `period`), in one query."""
    upto = max(upto or period, period)
    reversed_ = exists().where(PaymentReversal.payment_id == PaymentAllocation.payment_id)
    paid = (
        select(
            PaymentAllocation.bill_line_id.label("line_id"),
            func.sum(PaymentAllocation.amount_fen).label("paid"),
        )
        .join(BillLine, BillLine.id == PaymentAllocation.bill_line_id)
        .where(BillLine.courtyard_id == courtyard_id, BillLine.period <= upto, ~reversed_)
        .group_by(PaymentAllocation.bill_line_id)
        .subquery()
    )
    owed = BillLine.amount_fen - func.coalesce(paid.c.paid, 0)
    open_lines = (
        select(
            BillLine.household_id,
            BillLine.period,
            owed.label("owed"),
            BillLine.area_centi_m2,
            BillLine.rate_per_m2,
            BillLine.parking_spaces,
            BillLine.parking_fee_fen,
            BillLine.adjustment_percent,
            BillLine.amount_fen,
        )
        .outerjoin(paid, paid.c.line_id == BillLine.id)
        .where(BillLine.courtyard_id == courtyard_id, BillLine.period <= upto, owed > 0)
        .cte("open_lines")
    )
    household = open_lines.c.household_id
    already = exists().where(
        FeeReminder.household_id == household,
        FeeReminder.period == period,
        or_(FeeReminder.stage == stage, FeeReminder.created_at > now - MIN_GAP),
    )
    paused = exists().where(
        FeeReminderPause.household_id == household,
        FeeReminderPause.period == period,
        FeeReminderPause.lifted_at.is_(None),
    )
    owing = select(household).where(open_lines.c.period == period, ~already, ~paused)
    rows = await session.execute(
        select(open_lines, Household.building, Household.unit, Household.room, Household.owner_name)
        .join(Household, Household.id == household)
        .where(household.in_(owing))
        .order_by(household, open_lines.c.period)
    )
    found: dict[int, DueHousehold] = {}
    for row in rows:
        entry = found.get(row.household_id)
        if entry is None:
            entry = found[row.household_id] = DueHousehold(
                row.household_id, _label(row.building, row.unit, row.room), row.owner_name
            )
        entry.lines.append(
            OpenLine(
                row.period,
                int(row.owed),
                row.area_centi_m2,
                row.rate_per_m2,
                row.parking_spaces,
                row.parking_fee_fen,
                row.adjustment_percent,
                int(row.amount_fen),
            )
        )
    return list(found.values())


def _outbox_rows(*statuses: OutboxStatus) -> Exists:
    """The reminder has outbox rows (one per member: '<its key>:u<user id>') in these states."""
    return exists(
        select(OutboxMessage.id)
        .join(Membership, Membership.household_id == FeeReminder.household_id)
        .where(
            OutboxMessage.dedupe_key
            == FeeReminder.dedupe_key + ":u" + cast(Membership.user_id, String),
            OutboxMessage.status.in_(statuses),
        )
    )


async def refresh_outcomes(
    session: AsyncSession, courtyard_id: int, now: datetime
) -> dict[str, list[int]]:
    """Queued reminders become sent (a member got it), blocked (every member blocked the bot)
    or failed. Returns the households that turned out blocked, by period."""
    S = OutboxStatus
    waiting = and_(
        FeeReminder.courtyard_id == courtyard_id,
        FeeReminder.outcome == ReminderOutcome.QUEUED,
        FeeReminder.created_at > now - OUTCOME_WINDOW,
    )
    done = ~_outbox_rows(S.PENDING, S.SENDING, S.SENT)
    await session.execute(
        update(FeeReminder)
        .where(waiting, _outbox_rows(S.SENT))
        .values(outcome=ReminderOutcome.SENT, outcome_at=now)
        .execution_options(synchronize_session=False)
    )
    blocked = await session.execute(
        update(FeeReminder)
        .where(waiting, done, _outbox_rows(S.BLOCKED), ~_outbox_rows(S.FAILED))
        .values(outcome=ReminderOutcome.BLOCKED, outcome_at=now)
        .returning(FeeReminder.household_id, FeeReminder.period)
        .execution_options(synchronize_session=False)
    )
    by_period: dict[str, list[int]] = defaultdict(list)
    for household_id, period in blocked.tuples():
        by_period[period].append(household_id)
    await session.execute(
        update(FeeReminder)
        .where(waiting, done, _outbox_rows(S.FAILED))
        .values(outcome=ReminderOutcome.FAILED, outcome_at=now)
        .execution_options(synchronize_session=False)
    )
    return dict(by_period)
