"""Staged fee reminders (催缴): the sweep that, per courtyard and stage, finds the households
due (one query), writes one reminder row each (its dedupe key
'fee-reminder:<household>:<period>:<stage>' is unique: a re-run writes nothing) and their
messages with one outbox INSERT, committed per courtyard.

Households nobody can reach on Telegram (no member on it, or all blocked the bot) are put on
the grid leader's visit list instead of being skipped; so is every household still owing two
months on (the visit stage). Three months on, a formal written notice with a deadline goes to
the members, and finance gets the list with the printable notices. Reminders wait out the
quiet hours. The words are polite and lawful (views.fees.reminders; Civil Code Art. 944)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Courtyard, FeePlan, FeeReminder, ReminderOutcome, ReminderStage
from models.db import transaction, upsert_insert
from services import audiences, visits
from services.access import Role
from services.fees import periods
from services.fees.reminder_messages import (
    BillBreakdown,
    FeeFormalNoticeList,
    FeeReminderMessage,
    FormalNotice,
)
from services.fees.reminder_queries import DueHousehold, due_households, refresh_outcomes
from services.fees.reminder_settings import FORMAL_DEADLINE_DAYS, rules
from services.outbox import INSERT_CHUNK, Recipient, enqueue_many
from services.policy import Policy

VISIT_KIND = "fee-visit"  # the grid leader's visit list (services.visits), ref: the period
S = ReminderStage


def reminder_key(household_id: int, period: str, stage: ReminderStage) -> str:
    return f"fee-reminder:{household_id}:{period}:{stage.value}"


async def sweep(sessions: async_sessionmaker[AsyncSession], now: datetime, policy: Policy) -> int:
    """Every courtyard with a fee plan, one transaction each. Returns outbox rows written."""
    async with sessions() as session:
        ids = list(
            await session.scalars(
                select(FeePlan.courtyard_id).distinct().order_by(FeePlan.courtyard_id)
            )
        )
    written = 0
    for courtyard_id in ids:
        async with transaction(sessions) as session:
            written += await remind(session, courtyard_id, now, policy)
    return written


async def remind(session: AsyncSession, courtyard_id: int, now: datetime, policy: Policy) -> int:
    """One courtyard's due stages as of `now` (its local day). Returns outbox rows written."""
    today = policy.local(now).date()
    for period, households in (await refresh_outcomes(session, courtyard_id, now)).items():
        await _visit(session, courtyard_id, period, households, "unreachable", now)
    courtyard = await session.get(Courtyard, courtyard_id)
    assert courtyard is not None
    written = 0
    for rule in await rules(session, courtyard_id):
        if not rule.enabled or today.day < rule.day:
            continue
        period = periods.shift(periods.of(today), -rule.months_after)
        # a formal notice names every month that has ended unpaid; the others, up to theirs
        ended = periods.shift(periods.of(today), -1) if rule.stage is S.FORMAL else None
        due = await due_households(session, courtyard_id, period, rule.stage, now, ended)
        if due:
            written += await _stage(session, courtyard, period, rule.stage, due, now, policy)
    return written


async def _visit(
    session: AsyncSession,
    courtyard_id: int,
    period: str,
    household_ids: Iterable[int],
    reason: str,
    now: datetime,
) -> None:
    wanted = sorted(set(household_ids))
    if wanted:
        await visits.add(
            session,
            courtyard_id=courtyard_id,
            kind=VISIT_KIND,
            ref=period,
            household_ids=wanted,
            reason=reason,
            now=now,
        )


async def _stage(
    session: AsyncSession,
    courtyard: Courtyard,
    period: str,
    stage: ReminderStage,
    due: list[DueHousehold],
    now: datetime,
    policy: Policy,
) -> int:
    today = policy.local(now).date()
    deadline = today + timedelta(days=FORMAL_DEADLINE_DAYS) if stage is S.FORMAL else None
    if stage is S.VISIT:
        listed = await _record(session, courtyard.id, period, stage, due, set(), None, now)
        await _visit(session, courtyard.id, period, listed, "arrears", now)
        return 0
    offline = {h.id for h in await audiences.unreachable(session, audiences.Scope.of(courtyard.id))}
    offline &= {h.id for h in due}
    written = await _record(session, courtyard.id, period, stage, due, offline, deadline, now)
    await _visit(
        session, courtyard.id, period, (h for h in written if h in offline), "unreachable", now
    )
    by_id = {h.id: h for h in due}
    reached = {h: written[h] for h in written if h not in offline}
    members = await audiences.members_by_household(session, reached)
    payloads: dict[tuple[int, Recipient], FeeReminderMessage] = {}
    for household_id, reminder_id in reached.items():
        entry = by_id[household_id]
        line = entry.line(period)
        message = FeeReminderMessage(
            reminder_id=reminder_id,
            stage=stage,
            courtyard=courtyard.name,
            household=entry.label,
            period=period,
            owed_fen=line.owed_fen,
            total_owed_fen=entry.total_owed_fen,
            months=entry.months,
            due=periods.last_day(period),
            issued_on=today,
            deadline=deadline,
            bill=BillBreakdown(
                area_centi_m2=line.area_centi_m2,
                rate_per_m2=line.rate_per_m2,
                parking_spaces=line.parking_spaces,
                parking_fee_fen=line.parking_fee_fen,
                adjustment_percent=line.adjustment_percent,
                amount_fen=line.amount_fen,
            ),
        )
        for recipient in members.get(household_id, []):
            payloads[(household_id, recipient)] = message
    count = await _enqueue(session, payloads, period, stage, now, policy)
    if stage is S.FORMAL and written:
        notices = tuple(
            FormalNotice(
                household=by_id[h].label,
                owner_name=by_id[h].owner_name,
                total_owed_fen=by_id[h].total_owed_fen,
                months=by_id[h].months,
                reachable=h not in offline,
            )
            for h in written
        )
        assert deadline is not None
        count += await _tell_finance(
            session, courtyard, period, today, deadline, notices, now, policy
        )
    return count


async def _record(
    session: AsyncSession,
    courtyard_id: int,
    period: str,
    stage: ReminderStage,
    due: list[DueHousehold],
    offline: set[int],
    deadline: date | None,
    now: datetime,
) -> dict[int, int]:
    """One reminder row per household (one INSERT per 1000; a key already written is
    skipped). Returns household id -> reminder id of the rows written."""

    def outcome(household_id: int) -> ReminderOutcome:
        if stage is S.VISIT:
            return ReminderOutcome.LISTED
        return ReminderOutcome.UNREACHABLE if household_id in offline else ReminderOutcome.QUEUED

    values: list[dict[str, Any]] = [
        {
            "dedupe_key": reminder_key(h.id, period, stage),
            "courtyard_id": courtyard_id,
            "household_id": h.id,
            "period": period,
            "stage": stage,
            "channel": "telegram" if outcome(h.id) is ReminderOutcome.QUEUED else "visit",
            "outcome": outcome(h.id),
            "owed_fen": h.line(period).owed_fen,
            "total_owed_fen": h.total_owed_fen,
            "months": list(h.months),
            "deadline": deadline,
            "created_at": now,
            "outcome_at": now,
        }
        for h in due
    ]
    written: dict[int, int] = {}
    for start in range(0, len(values), INSERT_CHUNK):
        result = await session.execute(
            upsert_insert(session, FeeReminder)
            .values(values[start : start + INSERT_CHUNK])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(FeeReminder.household_id, FeeReminder.id)
        )
        written.update({int(h): int(r) for h, r in result.tuples()})
    return written


async def _enqueue(
    session: AsyncSession,
    payloads: dict[tuple[int, Recipient], FeeReminderMessage],
    period: str,
    stage: ReminderStage,
    now: datetime,
    policy: Policy,
) -> int:
    """The members' messages in one INSERT; someone in two owing households gets one message
    for each, so such people come in a second round."""
    quiet = policy.quiet_for(FeeReminderMessage.kind)
    rounds: list[dict[Recipient, int]] = []
    for household_id, recipient in payloads:
        for batch in rounds:
            if recipient not in batch:
                batch[recipient] = household_id
                break
        else:
            rounds.append({recipient: household_id})
    written = 0
    for batch in rounds:
        written += await enqueue_many(
            session,
            lambda r, b=batch: payloads[(b[r], r)],  # type: ignore[misc]
            list(batch),
            dedupe_key=lambda r, b=batch: f"{reminder_key(b[r], period, stage)}:{r.key}",  # type: ignore[misc]
            now=now,
            quiet=quiet,
        )
    return written


async def _tell_finance(
    session: AsyncSession,
    courtyard: Courtyard,
    period: str,
    today: date,
    deadline: date,
    notices: tuple[FormalNotice, ...],
    now: datetime,
    policy: Policy,
) -> int:
    clerks = await audiences.staff(session, Role.FINANCE, courtyard.id)
    return await enqueue_many(
        session,
        FeeFormalNoticeList(
            courtyard=courtyard.name,
            period=period,
            issued_on=today,
            deadline=deadline,
            notices=notices,
        ),
        clerks or await audiences.admins(session, courtyard.id),
        dedupe_key=lambda r: f"fee-formal-list:{courtyard.id}:{period}:{today}:{r.key}",
        now=now,
        quiet=policy.quiet_for(FeeFormalNoticeList.kind),
    )
