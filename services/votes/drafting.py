"""Drafting a vote, and opening it: the snapshot of who may vote, frozen with its totals.

A draft may be changed; once open it is frozen (the state machine refuses EDIT)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Household, Vote, VoteOption, VoteRule, VoteStatus, VoteVoter
from services import events
from services.access import Actor
from services.audiences import Scope
from services.errors import NotAllowed
from services.fees import money
from services.fees.errors import BadParkingFee, BadRate
from services.votes import machine
from services.votes.errors import (
    BadMatter,
    BadObjectionDays,
    BadOpening,
    BadOptionPlan,
    BadOptions,
    BadTitle,
    CloseInPast,
    NoVoters,
    UnknownBuildings,
    VoteNotFound,
)
from services.votes.machine import VoteAction
from services.votes.rules import MATTERS

MIN_OPTIONS, MAX_OPTIONS = 2, 6
INSERT_CHUNK = 1000


@dataclass(frozen=True)
class OptionDraft:
    text: str
    rate: str | None = None  # yuan per m² per month, '0.45'
    parking_fee: str | None = None  # yuan per space per month, '40'
    includes: str = ""


@dataclass(frozen=True)
class VoteDraft:
    title: str
    options: Sequence[OptionDraft]
    closes_at: datetime
    text: str = ""
    rule: VoteRule = VoteRule.SIMPLE
    matter: int | None = None
    buildings: Sequence[str] = field(default_factory=tuple)
    choices_visible_before_close: bool = False
    allow_change: bool = False
    objection_days: int = 7
    opens_at: datetime | None = None  # None: opened by hand; else the sweep opens it then


def _options(drafts: Sequence[OptionDraft]) -> list[dict[str, Any]]:
    if not MIN_OPTIONS <= len(drafts) <= MAX_OPTIONS:
        raise BadOptions()
    rows = []
    for position, option in enumerate(drafts, start=1):
        text = option.text.strip()
        if not text or len(text) > 200 or len(option.includes) > 200:
            raise BadOptions()
        rate = fee = None
        if option.rate is not None or option.parking_fee is not None:
            try:
                rate = money.rate_per_m2(option.rate or "")
                fee = money.parking_fee_fen(option.parking_fee or "0")
            except (BadRate, BadParkingFee):
                raise BadOptionPlan(position=position) from None
        rows.append(
            {
                "position": position,
                "text": text,
                "rate_per_m2": rate,
                "parking_fee_fen": fee,
                "includes": option.includes.strip(),
            }
        )
    return rows


async def _check_buildings(session: AsyncSession, courtyard_id: int, wanted: Sequence[str]) -> None:
    if not wanted:
        return
    known = set(
        await session.scalars(
            select(Household.building).where(Household.courtyard_id == courtyard_id).distinct()
        )
    )
    missing = [b for b in wanted if b not in known]
    if missing:
        raise UnknownBuildings(buildings="、".join(missing))


def _require(actor: Actor | None, vote: Vote, action: VoteAction) -> None:
    machine.require(actor, vote.status, vote.courtyard_id, action)


async def create(
    session: AsyncSession,
    actor: Actor | None,
    courtyard_id: int,
    draft: VoteDraft,
    *,
    now: datetime,
    channel: str | None = None,
) -> int:
    """A new vote in draft; returns its id. Everything is checked before anything is written."""
    if actor is not None and machine.Party.ORGANIZER not in machine.parties(actor, courtyard_id):
        raise NotAllowed(roles=machine.ROLES_FOR[VoteAction.EDIT])
    title = draft.title.strip()
    if not title or len(title) > 200:
        raise BadTitle()
    options = _options(draft.options)
    if draft.rule is VoteRule.ART278 and draft.matter not in MATTERS:
        raise BadMatter()
    if draft.closes_at <= now:
        raise CloseInPast()
    if draft.opens_at is not None and not now < draft.opens_at < draft.closes_at:
        raise BadOpening()
    if not 0 <= draft.objection_days <= 30:
        raise BadObjectionDays()
    buildings = sorted({b.strip() for b in draft.buildings if b.strip()})
    await _check_buildings(session, courtyard_id, buildings)
    vote = Vote(
        courtyard_id=courtyard_id,
        title=title,
        text=draft.text.strip(),
        rule=draft.rule,
        matter=draft.matter if draft.rule is VoteRule.ART278 else None,
        buildings=buildings,
        opens_at=draft.opens_at,
        closes_at=draft.closes_at,
        choices_visible_before_close=draft.choices_visible_before_close,
        allow_change=draft.allow_change,
        objection_days=draft.objection_days,
        status=VoteStatus.DRAFT,
        created_by=actor.user_id if actor else None,
        created_at=now,
        channel=channel or (actor.channel if actor else "cli"),
    )
    session.add(vote)
    await session.flush()
    session.add_all(VoteOption(vote_id=vote.id, **row) for row in options)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="vote",
        subject_id=vote.id,
        action="vote_created",
        courtyard_id=courtyard_id,
        to_state=VoteStatus.DRAFT.value,
        channel=vote.channel,
        data={"title": title, "rule": draft.rule.value, "matter": vote.matter},
    )
    await session.flush()
    return vote.id


async def load(
    session: AsyncSession, vote_id: int, *, for_update: bool = False, for_share: bool = False
) -> Vote:
    """`for_share`: ballots hold the vote in share mode (PostgreSQL FOR SHARE), so a close
    (FOR UPDATE) waits for the ballots under way and no ballot lands after it."""
    query = select(Vote).where(Vote.id == vote_id)
    if for_update:
        query = query.with_for_update()
    elif for_share:
        query = query.with_for_update(read=True)
    vote = await session.scalar(query)
    if vote is None:
        raise VoteNotFound()
    return vote


async def edit_text(
    session: AsyncSession,
    actor: Actor | None,
    vote_id: int,
    *,
    title: str,
    text: str,
    now: datetime,
) -> None:
    """Change a draft's title and text; an open vote is frozen."""
    vote = await load(session, vote_id, for_update=True)
    _require(actor, vote, VoteAction.EDIT)
    if not title.strip() or len(title.strip()) > 200:
        raise BadTitle()
    vote.title, vote.text = title.strip(), text.strip()
    record(session, actor, vote, "vote_edited", now, None, None)


def owner_key(household: Household) -> str:
    """One owner across units: the registry's owner name and phone; a room without either
    stands for itself."""
    name = (household.owner_name or "").strip()
    phone = (household.phone or "").strip()
    if not name and not phone:
        return f"h{household.id}"
    digest = hashlib.sha256(f"{name}\x1f{phone}".encode()).hexdigest()[:20]
    return f"o{digest}"


async def open_vote(
    session: AsyncSession, actor: Actor | None, vote_id: int, now: datetime
) -> Vote:
    """Open it: snapshot the eligible households (area, spaces, owner) and the totals."""
    vote = await load(session, vote_id, for_update=True)
    _require(actor, vote, VoteAction.OPEN)
    if vote.closes_at <= now:
        raise CloseInPast()
    scope = Scope.of(vote.courtyard_id, buildings=vote.buildings)
    homes = list(
        await session.scalars(select(Household).where(scope.holds()).order_by(Household.id))
    )
    if not homes:
        raise NoVoters()
    by_owner = vote.rule is VoteRule.ART278
    rows = [
        {
            "vote_id": vote.id,
            "household_id": h.id,
            "voter_key": owner_key(h) if by_owner else f"h{h.id}",
            "building": h.building,
            "area_centi_m2": h.area_centi_m2,
            "parking_spaces": h.parking_spaces,
        }
        for h in homes
    ]
    for start in range(0, len(rows), INSERT_CHUNK):
        await session.execute(insert(VoteVoter), rows[start : start + INSERT_CHUNK])
    vote.total_heads = len({r["voter_key"] for r in rows})
    vote.total_area_centi_m2 = sum(h.area_centi_m2 for h in homes)
    vote.status = VoteStatus.OPEN
    vote.opens_at = vote.opened_at = now
    record(
        session,
        actor,
        vote,
        "vote_opened",
        now,
        VoteStatus.DRAFT,
        VoteStatus.OPEN,
        {"heads": vote.total_heads, "area_centi_m2": vote.total_area_centi_m2},
    )
    await session.flush()
    return vote


async def open_due(session: AsyncSession, now: datetime) -> list[Vote]:
    """Drafts whose opening time has come, opened (the caller announces them)."""
    ids = list(
        await session.scalars(
            select(Vote.id)
            .where(
                Vote.status == VoteStatus.DRAFT, Vote.opens_at.is_not(None), Vote.opens_at <= now
            )
            .order_by(Vote.id)
        )
    )
    return [await open_vote(session, None, vote_id, now) for vote_id in ids]


async def discard(session: AsyncSession, actor: Actor | None, vote_id: int, now: datetime) -> None:
    vote = await load(session, vote_id, for_update=True)
    _require(actor, vote, VoteAction.DISCARD)
    vote.status = VoteStatus.CANCELLED
    vote.cancelled_at = now
    record(session, actor, vote, "vote_discarded", now, VoteStatus.DRAFT, VoteStatus.CANCELLED)


async def voter_weights(session: AsyncSession, vote_id: int, voter_key: str) -> tuple[int, int]:
    """(households, area) a voter holds in this vote's snapshot."""
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(VoteVoter.area_centi_m2), 0)).where(
                VoteVoter.vote_id == vote_id, VoteVoter.voter_key == voter_key
            )
        )
    ).one()
    return int(row[0]), int(row[1])


def record(
    session: AsyncSession,
    actor: Actor | None,
    vote: Vote,
    action: str,
    now: datetime,
    before: VoteStatus | None,
    after: VoteStatus | None,
    data: dict[str, Any] | None = None,
    *,
    channel: str | None = None,
) -> None:
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="vote",
        subject_id=vote.id,
        action=action,
        courtyard_id=vote.courtyard_id,
        from_state=before.value if before else None,
        to_state=after.value if after else None,
        channel=channel or (actor.channel if actor else "cli"),
        data=data,
    )
