"""Fee plans: created by finance (or an admin at the terminal), never edited; a new plan takes
over from a later period than any already billed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import BillLine, FeePlan, Rounding
from services import events
from services.access import Actor, Role, require
from services.fees import money, periods
from services.fees.errors import BadPlanName, PeriodAlreadyBilled, PlanPeriodTaken

# who sets plans in the bot; the terminal (actor None) is the service center's operator
PLANNERS = (Role.FINANCE,)
# who sees a courtyard's plans in the bot (only finance adds one)
PLAN_READERS = (Role.FINANCE, Role.ADMIN, Role.SUPERVISOR)


@dataclass(frozen=True)
class PlanInfo:
    id: int
    courtyard_id: int
    name: str
    rate_per_m2: int  # 1/10000 ¥ per m² per month
    parking_fee_fen: int
    from_period: str
    rounding: Rounding

    @classmethod
    def of(cls, plan: FeePlan) -> PlanInfo:
        return cls(
            plan.id,
            plan.courtyard_id,
            plan.name,
            plan.rate_per_m2,
            plan.parking_fee_fen,
            plan.from_period,
            plan.rounding,
        )


async def last_billed(session: AsyncSession, courtyard_id: int) -> str | None:
    period = await session.scalar(
        select(func.max(BillLine.period)).where(BillLine.courtyard_id == courtyard_id)
    )
    return str(period) if period else None


def clean_name(text: str | None) -> str:
    """A plan's name, 1 to 100 characters; raises BadPlanName."""
    name = (text or "").strip()
    if not name or len(name) > 100:
        raise BadPlanName()
    return name


async def check_from_period(session: AsyncSession, courtyard_id: int, text: str) -> str:
    """The month a new plan may take effect from: well formed, after the last billed month,
    and not the start of another plan. Raises BadPeriod, PeriodAlreadyBilled, PlanPeriodTaken."""
    period = periods.parse(text)
    billed = await last_billed(session, courtyard_id)
    if billed is not None and period <= billed:
        raise PeriodAlreadyBilled(period=period, billed=billed, next=periods.shift(billed, 1))
    taken = await session.scalar(
        select(FeePlan.id).where(
            FeePlan.courtyard_id == courtyard_id, FeePlan.from_period == period
        )
    )
    if taken:
        raise PlanPeriodTaken(period=period)
    return period


async def earliest_new_period(session: AsyncSession, courtyard_id: int, today_period: str) -> str:
    """The first month a new plan could start from: after the last billed one, not before
    `today_period` (a suggestion for the clerk; check_from_period has the last word)."""
    billed = await last_billed(session, courtyard_id)
    if billed is None:
        return today_period
    return max(periods.shift(billed, 1), today_period)


async def create(
    session: AsyncSession,
    actor: Actor | None,
    courtyard_id: int,
    *,
    name: str,
    rate: str,
    parking_fee: str,
    from_period: str,
    now: datetime,
    rounding: Rounding = Rounding.HALF_UP,
    channel: str | None = None,
) -> PlanInfo:
    """A new plan from `from_period` on. `rate` is yuan per m² per month ('0.50'),
    `parking_fee` yuan per space per month ('40')."""
    if actor is not None:
        require(actor, PLANNERS, courtyard_id)
    name = clean_name(name)
    rate_value = money.rate_per_m2(rate)
    parking_value = money.parking_fee_fen(parking_fee)
    period = await check_from_period(session, courtyard_id, from_period)
    plan = FeePlan(
        courtyard_id=courtyard_id,
        name=name,
        rate_per_m2=rate_value,
        parking_fee_fen=parking_value,
        from_period=period,
        rounding=rounding,
        created_by=actor.user_id if actor else None,
        created_at=now,
        channel=channel or (actor.channel if actor else "cli"),
    )
    session.add(plan)
    await session.flush()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="fee_plan",
        subject_id=plan.id,
        action="fee_plan_created",
        courtyard_id=courtyard_id,
        channel=plan.channel,
        data={
            "name": name,
            "rate_per_m2": rate_value,
            "parking_fee_fen": parking_value,
            "from_period": period,
            "rounding": rounding.value,
        },
    )
    return PlanInfo.of(plan)


async def listing(session: AsyncSession, courtyard_id: int) -> list[PlanInfo]:
    rows = await session.scalars(
        select(FeePlan).where(FeePlan.courtyard_id == courtyard_id).order_by(FeePlan.from_period)
    )
    return [PlanInfo.of(p) for p in rows]


@dataclass(frozen=True)
class PlanRow:
    plan: PlanInfo
    billed: bool  # some bill line was issued with it: it can no longer be replaced from its start


async def overview(session: AsyncSession, actor: Actor, courtyard_id: int) -> list[PlanRow]:
    """A courtyard's plans, oldest first, each with whether it has billed anything."""
    require(actor, PLAN_READERS, courtyard_id)
    used = set(
        await session.scalars(
            select(BillLine.plan_id).where(BillLine.courtyard_id == courtyard_id).distinct()
        )
    )
    return [PlanRow(p, p.id in used) for p in await listing(session, courtyard_id)]


async def in_force(session: AsyncSession, courtyard_id: int, period: str) -> PlanInfo | None:
    """The plan that bills `period`: the one with the latest `from_period` not after it."""
    plan = await session.scalar(
        select(FeePlan)
        .where(FeePlan.courtyard_id == courtyard_id, FeePlan.from_period <= period)
        .order_by(FeePlan.from_period.desc())
        .limit(1)
    )
    return PlanInfo.of(plan) if plan else None
