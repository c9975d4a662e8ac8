"""The monthly bill run: one INSERT ... SELECT per courtyard and period, ON CONFLICT DO NOTHING.

Set-based (no row-by-row Python), committed per courtyard, resumable after a crash and harmless
to re-run: a household already billed for the period keeps its line untouched, one added since
gets its line. The amount is computed in SQL integer arithmetic, identical on SQLite and
PostgreSQL (see models.fee for the units):

    exact  = (area_centi_m2 × rate + parking_spaces × parking_fee_fen × 10000) × percent
             in 1/1_000_000 fen
    amount = (exact + 500000) / 1000000   half up (integer division; exact is never negative)
           =  exact / 1000000             down
           = (exact + 999999) / 1000000   up
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, Integer, String, bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Courtyard, FeeItem, Household, Rounding
from models.base import UTCDateTime
from models.db import transaction
from services import courtyards, events
from services.fees import payments, periods, plans
from services.fees.errors import PeriodTooFarAhead
from services.fees.money import RATE_SCALE

PERCENT = 100
DENOMINATOR = RATE_SCALE * PERCENT  # fen × 10000 (rate scale) × 100 (percent)
ROUNDING_ADD = {Rounding.HALF_UP: DENOMINATOR // 2, Rounding.DOWN: 0, Rounding.UP: DENOMINATOR - 1}


def exact_amount(
    area_centi_m2: int, rate: int, spaces: int, parking_fee_fen: int, percent: int
) -> int:
    """The line's amount in 1/1_000_000 fen, before rounding (the SQL computes the same)."""
    return (area_centi_m2 * rate + spaces * parking_fee_fen * RATE_SCALE) * percent


def rounded(exact: int, rounding: Rounding) -> int:
    return (exact + ROUNDING_ADD[rounding]) // DENOMINATOR


@dataclass(frozen=True)
class CourtyardRun:
    courtyard_id: int
    courtyard: str
    period: str
    plan: plans.PlanInfo | None  # None: no plan in force, nothing billed
    issued: int  # lines written by this run
    households: int  # households in the courtyard


def check_period(period_text: str, today: date) -> str:
    """The period to bill; at most one month after the current one (local `today`)."""
    period = periods.parse(period_text)
    latest = periods.shift(periods.of(today), 1)
    if period > latest:
        raise PeriodTooFarAhead(period=period, latest=latest)
    return period


# One statement for every courtyard and run, its values bound: a dialect INSERT ... ON CONFLICT
# construct is never cached by SQLAlchemy (inherit_cache=False), so building it per courtyard
# compiled it again each time (20 x a raw INSERT ... SELECT on SQLite). A text() statement is
# compiled once and cached; both stores spell ON CONFLICT alike, and the WHERE clause keeps
# SQLite from reading ON CONFLICT as a join's ON. The typed binds make asyncpg cast them.
ISSUE = text(
    """
    INSERT INTO bill_lines (courtyard_id, household_id, item, period, plan_id, area_centi_m2,
        rate_per_m2, parking_spaces, parking_fee_fen, adjustment_id, adjustment_percent,
        rounding, amount_fen, issued_at)
    SELECT h.courtyard_id, h.id, :item, :period, :plan_id, h.area_centi_m2, :rate,
        h.parking_spaces, :parking_fee, a.id, COALESCE(a.percent, :full), :rounding,
        ((CAST(h.area_centi_m2 AS BIGINT) * :rate_big
          + CAST(h.parking_spaces AS BIGINT) * :parking_scaled) * COALESCE(a.percent, :full)
         + :round_add) / :denominator,
        :now
    FROM households h
    LEFT OUTER JOIN fee_adjustments a ON a.id = (
        SELECT max(n.id) FROM fee_adjustments n
        WHERE n.household_id = h.id AND n.from_period <= :period
          AND (n.to_period IS NULL OR n.to_period >= :period))
    WHERE h.courtyard_id = :courtyard_id
    ON CONFLICT (household_id, item, period) DO NOTHING
    """
).bindparams(
    bindparam("courtyard_id", type_=Integer()),
    bindparam("item", type_=String()),
    bindparam("period", type_=String()),
    bindparam("plan_id", type_=Integer()),
    bindparam("rate", type_=Integer()),
    bindparam("parking_fee", type_=Integer()),
    bindparam("full", type_=Integer()),
    bindparam("rounding", type_=String()),
    bindparam("rate_big", type_=BigInteger()),
    bindparam("parking_scaled", type_=BigInteger()),
    bindparam("round_add", type_=BigInteger()),
    bindparam("denominator", type_=BigInteger()),
    bindparam("now", type_=UTCDateTime()),
)


async def issue(
    session: AsyncSession, courtyard_id: int, period: str, now: datetime
) -> tuple[plans.PlanInfo | None, int]:
    """Write the courtyard's missing bill lines for `period`; returns the plan and lines written."""
    plan = await plans.in_force(session, courtyard_id, period)
    if plan is None:
        return None, 0
    values = {
        "courtyard_id": courtyard_id,
        "item": FeeItem.PROPERTY.value,
        "period": period,
        "plan_id": plan.id,
        "rate": plan.rate_per_m2,
        "parking_fee": plan.parking_fee_fen,
        "full": PERCENT,
        "rounding": plan.rounding.value,
        "rate_big": plan.rate_per_m2,
        "parking_scaled": plan.parking_fee_fen * RATE_SCALE,
        "round_add": ROUNDING_ADD[plan.rounding],
        "denominator": DENOMINATOR,
        "now": now,
    }
    result = await session.execute(ISSUE, values)
    issued = int(getattr(result, "rowcount", 0) or 0)
    if issued:
        events.record(
            session,
            at=now,
            actor=None,
            subject_type="bill_run",
            subject_id=plan.id,
            action="bills_issued",
            courtyard_id=courtyard_id,
            channel="system",
            data={"period": period, "lines": issued, "plan_id": plan.id},
        )
        # an earlier overpayment settles the new lines (only households with credit)
        await payments.settle_credit(session, courtyard_id, now)
    return plan, issued


async def run_period(
    sessions: async_sessionmaker[AsyncSession],
    period: str,
    now: datetime,
    *,
    courtyard_name: str | None = None,
    progress: Callable[[CourtyardRun], None] | None = None,
) -> list[CourtyardRun]:
    """Bill every courtyard (or one) for `period`, one transaction per courtyard: a crash
    leaves the finished courtyards billed and a re-run completes the rest."""
    async with sessions() as session:
        if courtyard_name is not None:
            one = await courtyards.by_name(session, courtyard_name)
            targets = [(one.id, one.name)]
        else:
            query = select(Courtyard.id, Courtyard.name).order_by(Courtyard.id)
            targets = list((await session.execute(query)).tuples())
    done: list[CourtyardRun] = []
    for courtyard_id, name in targets:
        async with transaction(sessions) as session:
            plan, issued = await issue(session, courtyard_id, period, now)
            households = await session.scalar(
                select(func.count()).where(Household.courtyard_id == courtyard_id)
            )
        run = CourtyardRun(courtyard_id, name, period, plan, issued, int(households or 0))
        done.append(run)
        if progress is not None:
            progress(run)
    return done
