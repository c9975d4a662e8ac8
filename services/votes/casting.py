"""Casting a ballot online, and entering a paper, proxy or in-person ballot for a household.

One ballot per voter is a unique constraint: of many taps at once exactly one INSERT lands
(ON CONFLICT DO NOTHING); the others are told the household has voted. A second ballot from
another channel or person does not count: the first stands, the conflict is kept and the
organizer told (so the call returns instead of raising: the conflict row must be kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Ballot,
    BallotChannel,
    BallotConflict,
    Household,
    Membership,
    MembershipStatus,
    Relation,
    Vote,
    VoteOption,
    VoteRule,
    VoteVoter,
)
from models.db import upsert_insert
from services import audiences, outbox, visits
from services.access import Actor
from services.outbox import Recipient
from services.votes import drafting, machine, receipts
from services.votes.errors import (
    AlreadyVoted,
    NotEligible,
    OwnersOnly,
    PhotoRequired,
    ProxyNameRequired,
    UnknownOption,
    VoteClosed,
)
from services.votes.info import brief
from services.votes.machine import VoteAction
from services.votes.messages import BallotConflictNotice
from services.votes.notices import VISIT_KIND


@dataclass(frozen=True)
class CastResult:
    counted: bool  # False: a ballot was already there and stands; this one was kept aside
    changed: bool  # the vote allows changes and the choice was changed
    receipt: str  # of the ballot that counts
    option_position: int  # of the ballot that counts


async def _option(session: AsyncSession, vote_id: int, position: int) -> VoteOption:
    option = await session.scalar(
        select(VoteOption).where(VoteOption.vote_id == vote_id, VoteOption.position == position)
    )
    if option is None:
        raise UnknownOption()
    return option


async def _voter(session: AsyncSession, vote: Vote, household_id: int) -> VoteVoter:
    voter = await session.scalar(
        select(VoteVoter).where(
            VoteVoter.vote_id == vote.id, VoteVoter.household_id == household_id
        )
    )
    if voter is None:
        raise NotEligible()
    return voter


async def relation(session: AsyncSession, user_id: int, household_id: int) -> Relation | None:
    found: Relation | None = await session.scalar(
        select(Membership.relation).where(
            Membership.user_id == user_id,
            Membership.household_id == household_id,
            Membership.status == MembershipStatus.APPROVED,
        )
    )
    return found


async def check_voter(
    session: AsyncSession, actor: Actor, vote: Vote, household_id: int, now: datetime
) -> VoteVoter:
    """May `actor` cast this household's ballot now? The voter row, or the refusal."""
    machine.require(actor, vote.status, vote.courtyard_id, VoteAction.CAST)
    if machine.closing_passed(vote.closes_at, now):
        raise VoteClosed()
    if household_id not in actor.households:
        raise NotEligible()
    voter = await _voter(session, vote, household_id)
    if (
        vote.rule is VoteRule.ART278
        and await relation(session, actor.user_id, household_id) is not Relation.OWNER
    ):
        raise OwnersOnly()
    return voter


async def may_cast(
    session: AsyncSession, actor: Actor, vote_id: int, household_id: int, now: datetime
) -> None:
    """The refusal, if `actor` may not cast this household's ballot now (nothing written)."""
    await check_voter(session, actor, await drafting.load(session, vote_id), household_id, now)


async def cast(
    session: AsyncSession,
    actor: Actor,
    vote_id: int,
    household_id: int,
    position: int,
    now: datetime,
) -> CastResult:
    """The household's ballot, cast online by one of its members (its owner for Art. 278)."""
    vote = await drafting.load(session, vote_id, for_share=True)
    voter = await check_voter(session, actor, vote, household_id, now)
    option = await _option(session, vote.id, position)
    return await _place(
        session, actor, vote, voter, option, BallotChannel.ONLINE, now, cast_by=actor.user_id
    )


async def enter(
    session: AsyncSession,
    actor: Actor | None,
    vote_id: int,
    household_id: int,
    position: int,
    now: datetime,
    *,
    channel: BallotChannel,
    photo_file_id: str | None = None,
    proxy_name: str | None = None,
) -> CastResult:
    """A paper, proxy or in-person ballot entered by a grid leader, with who entered it."""
    vote = await drafting.load(session, vote_id, for_share=True)
    machine.require(actor, vote.status, vote.courtyard_id, VoteAction.ENTER)
    if machine.closing_passed(vote.closes_at, now):
        raise VoteClosed()
    if channel is BallotChannel.ONLINE:
        channel = BallotChannel.IN_PERSON
    proxy = (proxy_name or "").strip() or None
    if channel is BallotChannel.PROXY and proxy is None:
        raise ProxyNameRequired()
    if (
        vote.rule is VoteRule.ART278
        and channel in (BallotChannel.PAPER, BallotChannel.PROXY)
        and not photo_file_id
    ):
        raise PhotoRequired()
    voter = await _voter(session, vote, household_id)
    option = await _option(session, vote.id, position)
    return await _place(
        session,
        actor,
        vote,
        voter,
        option,
        channel,
        now,
        entered_by=actor.user_id if actor else None,
        photo_file_id=photo_file_id,
        proxy_name=proxy,
    )


async def _place(
    session: AsyncSession,
    actor: Actor | None,
    vote: Vote,
    voter: VoteVoter,
    option: VoteOption,
    channel: BallotChannel,
    now: datetime,
    *,
    cast_by: int | None = None,
    entered_by: int | None = None,
    photo_file_id: str | None = None,
    proxy_name: str | None = None,
) -> CastResult:
    _units, area = await drafting.voter_weights(session, vote.id, voter.voter_key)
    code = receipts.new_code()
    inserted = await session.execute(
        upsert_insert(session, Ballot)
        .values(
            vote_id=vote.id,
            voter_key=voter.voter_key,
            household_id=voter.household_id,
            option_id=option.id,
            channel=channel,
            cast_by=cast_by,
            entered_by=entered_by,
            proxy_name=proxy_name,
            photo_file_id=photo_file_id,
            receipt_code=code,
            heads=1,
            area_centi_m2=area,
            cast_at=now,
        )
        .on_conflict_do_nothing(index_elements=["vote_id", "voter_key"])
    )
    data = {"household_id": voter.household_id, "channel": channel.value}
    if int(getattr(inserted, "rowcount", 0)) > 0:
        ballot_id = await session.scalar(
            select(Ballot.id).where(Ballot.vote_id == vote.id, Ballot.voter_key == voter.voter_key)
        )
        homes = await session.scalars(
            select(VoteVoter.household_id).where(
                VoteVoter.vote_id == vote.id, VoteVoter.voter_key == voter.voter_key
            )
        )
        await visits.close_open(
            session, kind=VISIT_KIND, ref=str(vote.id), now=now, household_ids=list(homes)
        )
        drafting.record(
            session,
            actor,
            vote,
            "ballot_cast" if channel is BallotChannel.ONLINE else "ballot_entered",
            now,
            None,
            None,
            {**data, "ballot_id": ballot_id},
        )
        return CastResult(True, False, code, option.position)
    kept = await session.scalar(
        select(Ballot).where(Ballot.vote_id == vote.id, Ballot.voter_key == voter.voter_key)
    )
    assert kept is not None
    kept_position = await session.scalar(
        select(VoteOption.position).where(VoteOption.id == kept.option_id)
    )
    online_again = channel is BallotChannel.ONLINE and kept.channel is BallotChannel.ONLINE
    if online_again and vote.allow_change:
        before = kept.option_id
        kept.option_id, kept.changed_at = option.id, now
        drafting.record(
            session,
            actor,
            vote,
            "ballot_changed",
            now,
            None,
            None,
            {**data, "ballot_id": kept.id, "from_option": before, "to_option": option.id},
        )
        return CastResult(True, True, kept.receipt_code, option.position)
    if online_again and kept.cast_by == cast_by:
        raise AlreadyVoted(receipt=receipts.shown(kept.receipt_code))
    await _conflict(session, actor, vote, voter, kept, option, channel, now)
    return CastResult(False, False, kept.receipt_code, int(kept_position or 0))


async def _conflict(
    session: AsyncSession,
    actor: Actor | None,
    vote: Vote,
    voter: VoteVoter,
    kept: Ballot,
    option: VoteOption,
    channel: BallotChannel,
    now: datetime,
) -> None:
    conflict = BallotConflict(
        vote_id=vote.id,
        voter_key=voter.voter_key,
        household_id=voter.household_id,
        kept_ballot_id=kept.id,
        channel=channel,
        option_id=option.id,
        by_user=actor.user_id if actor else None,
        at=now,
        data={},
    )
    session.add(conflict)
    await session.flush()
    drafting.record(
        session,
        actor,
        vote,
        "ballot_conflict",
        now,
        None,
        None,
        {"household_id": voter.household_id, "kept_ballot_id": kept.id, "conflict_id": conflict.id},
    )
    household = await session.get(Household, voter.household_id)
    organizers = (
        [Recipient(user_id=vote.created_by)]
        if vote.created_by is not None
        else await audiences.leaders_or_admins(session, vote.courtyard_id)
    )
    await outbox.enqueue_many(
        session,
        BallotConflictNotice(
            vote=brief(vote),
            room=household.label() if household else "",
            kept_channel=kept.channel.value,
            refused_channel=channel.value,
            same_choice=kept.option_id == option.id,
        ),
        organizers,
        dedupe_key=lambda r: f"vote-conflict:{conflict.id}:{r.key}",
        now=now,
    )
