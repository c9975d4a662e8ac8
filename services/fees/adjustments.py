"""Per-household adjustments (空置房 vacant flat at a percentage, 低保 hardship waiver), each
with a reason, entered by finance and recorded as events; they apply to bills issued later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AdjustmentKind, FeeAdjustment, Household
from services import events
from services.access import Actor, Role, require
from services.errors import NotFound
from services.fees import periods
from services.fees.errors import BadPercent, BadPeriod, HouseholdElsewhere, ReasonRequired

ADJUSTERS = (Role.FINANCE,)
MAX_REASON = 300


def parse_percent(text: str) -> int:
    """The share of the fee a household pays, as typed ('50', '50%'); a whole number 0-100."""
    cleaned = text.strip().rstrip("%％").strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or not 0 <= int(cleaned) <= 100:
        raise BadPercent(text=text)
    return int(cleaned)


def clean_reason(text: str | None) -> str:
    """Why the household pays less: required, up to 300 characters."""
    reason = (text or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise ReasonRequired()
    return reason


@dataclass(frozen=True)
class AdjustmentInfo:
    id: int
    household_id: int
    kind: AdjustmentKind
    percent: int
    reason: str
    from_period: str
    to_period: str | None


async def add(
    session: AsyncSession,
    actor: Actor | None,
    courtyard_id: int,
    household_id: int,
    *,
    kind: AdjustmentKind,
    reason: str,
    from_period: str,
    now: datetime,
    percent: int | None = None,
    to_period: str | None = None,
    channel: str | None = None,
) -> AdjustmentInfo:
    """The household pays `percent` % of its fee (a hardship waiver: 0) from `from_period`."""
    if actor is not None:
        require(actor, ADJUSTERS, courtyard_id)
    household = await session.get(Household, household_id)
    if household is None:
        raise NotFound()
    if household.courtyard_id != courtyard_id:
        raise HouseholdElsewhere(courtyard=str(courtyard_id))
    if kind is AdjustmentKind.HARDSHIP and percent is None:
        percent = 0
    if percent is None or not 0 <= percent <= 100:
        raise BadPercent(text=str(percent))
    reason = clean_reason(reason)
    start = periods.parse(from_period)
    end = periods.parse(to_period) if to_period else None
    if end is not None and end < start:
        raise BadPeriod(text=to_period or "")
    row = FeeAdjustment(
        courtyard_id=courtyard_id,
        household_id=household_id,
        kind=kind,
        percent=percent,
        reason=reason,
        from_period=start,
        to_period=end,
        created_by=actor.user_id if actor else None,
        created_at=now,
        channel=channel or (actor.channel if actor else "cli"),
    )
    session.add(row)
    await session.flush()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="household",
        subject_id=household_id,
        action="fee_adjustment_added",
        courtyard_id=courtyard_id,
        channel=row.channel,
        data={
            "adjustment_id": row.id,
            "kind": kind.value,
            "percent": percent,
            "reason": reason,
            "from_period": start,
            "to_period": end,
        },
    )
    return AdjustmentInfo(row.id, household_id, kind, percent, reason, start, end)


async def of_household(
    session: AsyncSession, actor: Actor, household_id: int, limit: int = 5
) -> list[AdjustmentInfo]:
    """The household's latest adjustments, newest first (for finance of its courtyard)."""
    household = await session.get(Household, household_id)
    if household is None:
        raise NotFound()
    require(actor, ADJUSTERS, household.courtyard_id)
    rows = await session.scalars(
        select(FeeAdjustment)
        .where(FeeAdjustment.household_id == household_id)
        .order_by(FeeAdjustment.from_period.desc(), FeeAdjustment.id.desc())
        .limit(limit)
    )
    return [
        AdjustmentInfo(
            r.id, r.household_id, r.kind, r.percent, r.reason, r.from_period, r.to_period
        )
        for r in rows
    ]
