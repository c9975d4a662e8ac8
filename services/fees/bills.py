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

from sqlalchemy import BigInteger, Integer, String, and_, bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Courtyard, FeeItem, FeePlan, Household, Rounding
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
# Each household's newest adjustment is picked in the derived table, so the join to it is on
# a plain column (a subquery in the join condition is evaluated for every pair of rows). The
# WHERE clause bills only with the plan in force (the run reads the plans before it starts).
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
    FROM (
        SELECT households.*, (
            SELECT max(n.id) FROM fee_adjustments n
            WHERE n.household_id = households.id AND n.from_period <= :period
              AND (n.to_period IS NULL OR n.to_period >= :period)) AS newest_adjustment
        FROM households WHERE households.courtyard_id = :courtyard_id
    ) h
    LEFT OUTER JOIN fee_adjustments a ON a.id = h.newest_adjustment
    WHERE :plan_id = (
        SELECT p.id FROM fee_plans p WHERE p.courtyard_id = :courtyard_id
          AND p.from_period <= :period ORDER BY p.from_period DESC LIMIT 1)
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


ASYNCHRONOUS_COMMIT = text("SET LOCAL synchronous_commit TO OFF")


async def in_force_for(
    session: AsyncSession, courtyard_ids: list[int] | None, period: str
) -> dict[int, plans.PlanInfo]:
    """The plan that bills `period` in each courtyard (those with one; every courtyard when
    `courtyard_ids` is None), in one query."""
    latest = (
        select(FeePlan.courtyard_id, func.max(FeePlan.from_period).label("from_period"))
        .where(FeePlan.from_period <= period)
        .group_by(FeePlan.courtyard_id)
    )
    if courtyard_ids is not None:
        latest = latest.where(FeePlan.courtyard_id.in_(courtyard_ids))
    newest = latest.subquery()
    found = await session.scalars(
        select(FeePlan).join(
            newest,
            and_(
                FeePlan.courtyard_id == newest.c.courtyard_id,
                FeePlan.from_period == newest.c.from_period,
            ),
        )
    )
    return {plan.courtyard_id: plans.PlanInfo.of(plan) for plan in found}


async def issue(
    session: AsyncSession,
    courtyard_id: int,
    period: str,
    now: datetime,
    plan: plans.PlanInfo | None = None,
) -> tuple[plans.PlanInfo | None, int]:
    """Write the courtyard's missing bill lines for `period`; returns the plan and lines written.

    `plan`: the one in force as read before the courtyard's transaction (a run reads them all
    at once); the INSERT checks it is still the one in force, else it is read again here."""
    given = plan is not None
    if plan is None:
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
    if not issued and given:  # nothing new, or a plan was added since it was read: look
        current = await plans.in_force(session, courtyard_id, period)
        if current is not None and current.id != plan.id:
            return await issue(session, courtyard_id, period, now)
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
        # an earlier overpayment settles the new lines (only households with credit); the
        # check first, so a courtyard without credit takes no lock and costs one query
        if await payments.has_credit(session, courtyard_id):
            await payments.settle_credit(session, courtyard_id, now)
    return plan, issued


async def _commit_without_waiting(session: AsyncSession) -> None:
    """PostgreSQL: this courtyard's commit does not wait for its WAL flush. A crash may lose
    the last few courtyards' commits, each whole (never half a courtyard); the run is
    resumable, so running it again bills them. SQLite runs with synchronous=NORMAL already."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(ASYNCHRONOUS_COMMIT)


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
        # the households of each courtyard, for the progress lines: one query, not one each
        ids = None if courtyard_name is None else [c for c, _name in targets]
        counting = select(Household.courtyard_id, func.count()).group_by(Household.courtyard_id)
        if ids is not None:
            counting = counting.where(Household.courtyard_id.in_(ids))
        counted = await session.execute(counting)
        households = {int(c): int(n) for c, n in counted.tuples()}
        in_force = await in_force_for(session, ids, period)
    done: list[CourtyardRun] = []
    for courtyard_id, name in targets:
        if courtyard_id not in in_force:  # no plan for the period: nothing to bill
            run = CourtyardRun(courtyard_id, name, period, None, 0, households.get(courtyard_id, 0))
            done.append(run)
            if progress is not None:
                progress(run)
            continue
        async with transaction(sessions) as session:
            await _commit_without_waiting(session)
            plan, issued = await issue(
                session, courtyard_id, period, now, in_force.get(courtyard_id)
            )
        run = CourtyardRun(
            courtyard_id, name, period, plan, issued, households.get(courtyard_id, 0)
        )
        done.append(run)
        if progress is not None:
            progress(run)
    return done
