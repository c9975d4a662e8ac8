"""The visit list (上门名单): households a grid leader sees in person, shared by the features
that need a knock on the door — a notice nobody in the household could be sent ("notice", ref
the notice id, reason "unreachable"), a fee reminder ("fee-visit", ref the period, reason
"unreachable" or "arrears").

A feature adds tasks with `add` (one INSERT for any number of households, harmless to repeat);
the courtyard's grid leaders and the service center see them (`open_for`) and record each visit
(`mark_done`): told, refused or other closes a task; "not home" is a try that leaves it open
for the next round. `close_open` takes visits off the list when there is nothing left to tell
(the bills were paid meanwhile). `counts` gives a feature its "told in person: 3/5"."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import FINAL_OUTCOMES, Household, Membership, MembershipStatus, User, VisitOutcome
from models import VisitTask as Task
from models.db import upsert_insert
from services import events
from services.access import Actor, Role, require
from services.errors import N_, InvalidInput, NotFound, Stale

# who keeps the visit list of a courtyard
VISITORS = (Role.GRID_LEADER, Role.ADMIN)
# households per INSERT: a bind parameter each, well inside every driver's limit
BATCH = 5000


class VisitAlreadyDone(Stale):
    message = N_("%(household)s was already marked by %(who)s.")


@dataclass(frozen=True)
class VisitInfo:
    id: int
    courtyard_id: int
    kind: str
    ref: str
    reason: str
    household_id: int
    household: str  # its label, e.g. "1号楼-2单元-301"
    owner_name: str | None  # the registry's owner, else the first approved member
    phone: str | None  # the registry's phone, else the first member's who has one
    created_at: datetime
    tries: int  # visits recorded so far ("not home" ones while it is open)
    outcome: VisitOutcome | None  # the last one
    tried_at: datetime | None
    done_at: datetime | None


async def add(
    session: AsyncSession,
    *,
    courtyard_id: int,
    kind: str,
    ref: str,
    household_ids: Collection[int],
    reason: str,
    now: datetime,
) -> int:
    """Put households of the courtyard on the list for (kind, ref); those already on it (open
    or done) and households of other courtyards are left alone. Returns rows added."""
    wanted = sorted(set(household_ids))
    added = 0
    for start in range(0, len(wanted), BATCH):
        chosen = (
            select(
                literal(courtyard_id),
                Household.id,
                literal(kind),
                literal(ref),
                literal(reason),
                literal(now, Task.created_at.type),
                literal(0),
            )
            .where(
                Household.courtyard_id == courtyard_id,
                Household.id.in_(wanted[start : start + BATCH]),
            )
            .order_by(Household.id)
        )
        statement = (
            upsert_insert(session, Task)
            .from_select(
                ["courtyard_id", "household_id", "kind", "ref", "reason", "created_at", "tries"],
                chosen,
            )
            .on_conflict_do_nothing(index_elements=["kind", "ref", "household_id"])
            .returning(Task.id)
        )
        added += len((await session.scalars(statement)).all())
    return added


def _info() -> Select[Any]:
    first_member = (
        select(User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.household_id == Household.id,
            Membership.status == MembershipStatus.APPROVED,
        )
        .order_by(Membership.id)
        .limit(1)
        .scalar_subquery()
    )
    member_phone = (
        select(User.phone)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.household_id == Household.id,
            Membership.status == MembershipStatus.APPROVED,
            User.phone.is_not(None),
        )
        .order_by(Membership.id)
        .limit(1)
        .scalar_subquery()
    )
    return select(
        Task,
        Household,
        func.coalesce(Household.owner_name, first_member),
        func.coalesce(Household.phone, member_phone),
    ).join(Household, Household.id == Task.household_id)


def _dto(task: Task, household: Household, owner: str | None, phone: str | None) -> VisitInfo:
    return VisitInfo(
        id=task.id,
        courtyard_id=task.courtyard_id,
        kind=task.kind,
        ref=task.ref,
        reason=task.reason,
        household_id=household.id,
        household=household.label(),
        owner_name=owner,
        phone=phone,
        created_at=task.created_at,
        tries=task.tries,
        outcome=task.outcome,
        tried_at=task.tried_at,
        done_at=task.done_at,
    )


async def open_for(
    session: AsyncSession, actor: Actor, courtyard_id: int, kind: str | None = None
) -> list[VisitInfo]:
    """The courtyard's open visits (of one kind, or all): by kind and ref (newest first),
    households never tried before those nobody opened for, then by address."""
    require(actor, VISITORS, courtyard_id)
    query = _info().where(Task.courtyard_id == courtyard_id, Task.done_at.is_(None))
    if kind is not None:
        query = query.where(Task.kind == kind)
    rows = await session.execute(
        query.order_by(
            Task.kind,
            Task.ref.desc(),
            Task.tries,
            Household.building,
            Household.unit,
            Household.room,
        )
    )
    return [_dto(*row) for row in rows.tuples()]


async def one(session: AsyncSession, actor: Actor, task_id: int) -> VisitInfo:
    """One visit, open or done, for the courtyard's grid leaders and admins."""
    # populate_existing: read again after mark_done's UPDATE, not the session's old copy
    query = _info().where(Task.id == task_id).execution_options(populate_existing=True)
    row = (await session.execute(query)).tuples().first()
    if row is None:
        raise NotFound()
    require(actor, VISITORS, row[0].courtyard_id)
    return _dto(*row)


def outcome_of(text: str) -> VisitOutcome:
    try:
        return VisitOutcome(text)
    except ValueError:
        raise InvalidInput(N_("That is not an outcome of a visit.")) from None


async def mark_done(
    session: AsyncSession, actor: Actor, task_id: int, outcome: str, now: datetime
) -> VisitInfo:
    """Record a visit. Told / refused / other close the task; not_home counts a try and leaves
    it open. A task closed already (by anyone, even a moment ago) is refused: VisitAlreadyDone."""
    result = outcome_of(outcome)
    before = await one(session, actor, task_id)
    if before.done_at is not None:
        raise await _already_done(session, task_id, before)
    final = result in FINAL_OUTCOMES
    changed = await session.execute(
        update(Task)
        .where(and_(Task.id == task_id, Task.done_at.is_(None)))  # two taps at once: one wins
        .values(
            outcome=result,
            tries=Task.tries + 1,
            tried_at=now,
            done_at=now if final else None,
            done_by=actor.user_id if final else None,
            channel=actor.channel,
        )
        .execution_options(synchronize_session=False)
    )
    if not getattr(changed, "rowcount", 0):
        raise await _already_done(session, task_id, before)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="visit",
        subject_id=task_id,
        action="visit.done" if final else "visit.tried",
        courtyard_id=before.courtyard_id,
        from_state=before.outcome.value if before.outcome else "open",
        to_state=result.value,
        data={"kind": before.kind, "ref": before.ref, "household_id": before.household_id},
    )
    return await one(session, actor, task_id)


async def _already_done(session: AsyncSession, task_id: int, info: VisitInfo) -> VisitAlreadyDone:
    who = await session.scalar(
        select(User.name).join(Task, Task.done_by == User.id).where(Task.id == task_id)
    )
    return VisitAlreadyDone(household=info.household, who=who or "?")


async def close_open(
    session: AsyncSession,
    *,
    kind: str,
    ref: str,
    now: datetime,
    household_ids: Collection[int] | None = None,
) -> int:
    """Nothing left to tell: the open visits of (kind, ref) — all, or those households' (e.g.
    the bills were paid before anyone went) — leave the list as done "other", by nobody, in
    one UPDATE and one event. Returns how many."""
    where = [Task.kind == kind, Task.ref == ref, Task.done_at.is_(None)]
    if household_ids is not None:
        where.append(Task.household_id.in_(sorted(set(household_ids))))
    closed = list(
        await session.scalars(
            update(Task)
            .where(*where)
            .values(outcome=VisitOutcome.OTHER, done_at=now, channel="system")
            .returning(Task.id)
            .execution_options(synchronize_session=False)
        )
    )
    if closed:
        events.record(
            session,
            at=now,
            actor=None,
            subject_type="visit",
            subject_id=None,
            action="visit.withdrawn",
            to_state=VisitOutcome.OTHER.value,
            data={"kind": kind, "ref": ref, "tasks": sorted(closed)},
        )
    return len(closed)


async def counts(session: AsyncSession, kind: str, ref: str) -> tuple[int, int]:
    """(open, done) for one thing, e.g. a notice: "told in person: done/(open + done)"."""
    row = (
        await session.execute(
            select(
                func.count().filter(Task.done_at.is_(None)),
                func.count().filter(Task.done_at.is_not(None)),
            ).where(Task.kind == kind, Task.ref == ref)
        )
    ).one()
    return int(row[0]), int(row[1])
