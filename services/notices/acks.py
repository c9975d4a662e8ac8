"""✅ 收到: one acknowledgement per person and notice, counted per household (any member's
tap counts for the household); the author's live counts; after the deadline, the households
that did not acknowledge and the one reminder to only them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    GroupKind,
    Household,
    Membership,
    MembershipStatus,
    Notice,
    NoticeAck,
    OutboxMessage,
    OutboxStatus,
)
from models.db import upsert_insert
from services import audiences, events, outbox, visits
from services.access import Actor
from services.audiences import Scope
from services.errors import Stale
from services.notices import lifecycle, scopes
from services.notices.errors import (
    AlreadyAcknowledged,
    AlreadyReminded,
    DeadlineNotPassed,
    NoAckNeeded,
    NobodyToRemind,
    NotForYou,
    NotYourNotice,
)
from services.notices.machine import NOTICES, NoticeAction, NoticeParty
from services.notices.messages import NoticeReminder
from services.policy import Policy
from services.statemachine import Refusal

Where = Literal["private", "group"]


def _acked(notice_id: int) -> ColumnElement[bool]:
    """The SQL condition on `Household`: one of its approved members acknowledged."""
    return exists(
        select(NoticeAck.id)
        .join(Membership, Membership.user_id == NoticeAck.user_id)
        .where(
            NoticeAck.notice_id == notice_id,
            Membership.household_id == Household.id,
            Membership.status == MembershipStatus.APPROVED,
        )
    )


async def acknowledge(
    session: AsyncSession, actor: Actor, notice_id: int, now: datetime, where: Where
) -> int:
    """The person's ✅ for the households of theirs in scope; returns how many households.
    A second tap changes nothing and says so; someone outside the scope is thanked."""
    notice = await lifecycle.get(session, notice_id)
    if not notice.needs_ack:
        raise NoAckNeeded()
    scope = await scopes.scope_of(session, notice)
    mine = [h for h, c in actor.households.items() if c == notice.courtyard_id]
    homes = (
        list(
            await session.scalars(select(Household.id).where(Household.id.in_(mine), scope.holds()))
        )
        if mine
        else []
    )
    parties = {NoticeParty.MEMBER} if homes else set()
    refusal = NOTICES.refusal(notice.status, NoticeAction.ACKNOWLEDGE, parties, (notice, now))
    if refusal is Refusal.PARTY:
        raise NotForYou()
    if refusal is not None:
        raise Stale()
    result = await session.execute(
        upsert_insert(session, NoticeAck)
        .values(notice_id=notice.id, user_id=actor.user_id, at=now, channel=where)
        .on_conflict_do_nothing(index_elements=["notice_id", "user_id"])
    )
    if not getattr(result, "rowcount", 0):
        raise AlreadyAcknowledged()
    # confirmed (in the group, say): nobody needs to knock on their door for it any more
    await visits.close_open(
        session, kind=lifecycle.VISIT_KIND, ref=str(notice.id), now=now, household_ids=homes
    )
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="notice",
        subject_id=notice.id,
        action=NOTICES.event(NoticeAction.ACKNOWLEDGE),
        courtyard_id=notice.courtyard_id,
        data={"where": where, "for_households": sorted(homes)},
    )
    return len(homes)


@dataclass(frozen=True)
class Counts:
    households: int  # in scope now
    people: int  # private letters written
    groups: int  # group posts written
    delivered: int  # private letters Telegram took
    groups_delivered: int
    acknowledged_people: int
    acknowledged_households: int
    told_in_person: int  # households the grid leader marked as told
    to_visit: int  # households on the visit list for this notice


async def _delivered(session: AsyncSession, keys: Sequence[str]) -> int:
    total = 0
    for start in range(0, len(keys), outbox.INSERT_CHUNK):
        total += int(
            await session.scalar(
                select(func.count()).where(
                    OutboxMessage.dedupe_key.in_(keys[start : start + outbox.INSERT_CHUNK]),
                    OutboxMessage.status == OutboxStatus.SENT,
                )
            )
            or 0
        )
    return total


async def counts(session: AsyncSession, notice: Notice) -> Counts:
    scope = await scopes.scope_of(session, notice)
    prefix = lifecycle.key_prefix(notice.id)
    members = await audiences.members(session, scope)
    chats = await audiences.group_chats(session, notice.courtyard_id, GroupKind.RESIDENTS)
    in_scope = await scopes.households_in(session, scope)
    acked_households = int(
        await session.scalar(
            select(func.count()).select_from(Household).where(scope.holds(), _acked(notice.id))
        )
        or 0
    )
    acked_people = int(
        await session.scalar(
            select(func.count()).select_from(NoticeAck).where(NoticeAck.notice_id == notice.id)
        )
        or 0
    )
    waiting, told = await visits.counts(session, lifecycle.VISIT_KIND, str(notice.id))
    return Counts(
        households=in_scope,
        people=notice.private_rows,
        groups=notice.group_rows,
        delivered=await _delivered(session, [f"{prefix}{m.key}" for m in members]),
        groups_delivered=await _delivered(session, [f"{prefix}{c.key}" for c in chats]),
        acknowledged_people=acked_people,
        acknowledged_households=acked_households,
        told_in_person=told,
        to_visit=waiting + told,
    )


async def not_acknowledged(session: AsyncSession, scope: Scope, notice_id: int) -> list[str]:
    """The labels of households in scope nobody of which acknowledged (for the author only)."""
    rows = await session.scalars(
        select(Household).where(scope.holds(), ~_acked(notice_id)).order_by(Household.id)
    )
    return [h.label() for h in rows]


async def remind(
    session: AsyncSession, actor: Actor, notice_id: int, now: datetime, policy: Policy
) -> int:
    """只提醒未回执的: after the deadline, once per notice, a reminder to the members of the
    households that did not acknowledge. Returns the people it goes to."""
    notice = await lifecycle.get(session, notice_id)
    if notice.author_id != actor.user_id:
        raise NotYourNotice()
    if not notice.needs_ack:
        raise NoAckNeeded()
    if notice.reminded_at is not None:
        raise AlreadyReminded()
    if notice.ack_deadline is None or notice.ack_deadline > now:
        raise DeadlineNotPassed()
    NOTICES.check(notice.status, NoticeAction.REMIND, {NoticeParty.AUTHOR}, (notice, now))
    scope = await scopes.scope_of(session, notice)
    people = (
        select(Membership.user_id)
        .join(Household, Household.id == Membership.household_id)
        .where(
            scope.holds(),
            ~_acked(notice.id),
            Membership.status == MembershipStatus.APPROVED,
        )
        .distinct()
    )
    if await session.scalar(select(func.count()).select_from(people.subquery())) == 0:
        raise NobodyToRemind()
    notice.reminded_at = now
    written = await outbox.enqueue_select(
        session,
        NoticeReminder(notice=await lifecycle.info(session, notice)),
        people,
        dedupe_prefix=f"notice-remind:{notice.id}:",
        now=now,
        quiet=policy.quiet_for(NoticeReminder.kind, urgent=notice.urgent),
    )
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="notice",
        subject_id=notice.id,
        action=NOTICES.event(NoticeAction.REMIND),
        courtyard_id=notice.courtyard_id,
        data={"people": written},
    )
    return written
