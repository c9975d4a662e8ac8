"""Telling people about a vote: the announcement to every eligible household's members and
the card in the residents' groups at opening; the cards' debounced edits; reminders to the
households that have not voted; the result. Every row carries a dedupe key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Ballot,
    GroupKind,
    Membership,
    MembershipStatus,
    OutboxMessage,
    OutboxStatus,
    Vote,
    VoteCard,
    VoteStatus,
    VoteVoter,
)
from services import audiences, outbox, visits
from services.access import Actor
from services.audiences import Scope
from services.outbox import Recipient
from services.policy import Policy
from services.votes import drafting
from services.votes.info import brief
from services.votes.messages import (
    OptionResult,
    Participation,
    ReminderStage,
    VoteAnnounced,
    VoteGroupCard,
    VoteReminder,
    VoteResult,
)
from services.votes.tally import Tally

VISIT_KIND = "vote"  # on the grid leaders' 🚪 list: ref is the vote id
# a group's card is edited at most once per this, whatever the ballots (20 a minute per group)
CARD_DEBOUNCE = timedelta(seconds=10)
REMINDERS: tuple[tuple[ReminderStage, timedelta], ...] = (
    ("3d", timedelta(days=3)),
    ("1d", timedelta(days=1)),
    ("6h", timedelta(hours=6)),
)


def participation(vote: Vote, heads: int, area: int) -> Participation:
    return Participation(
        heads=heads, total_heads=vote.total_heads, area=area, total_area=vote.total_area_centi_m2
    )


def _scope(vote: Vote) -> Scope:
    return Scope.of(vote.courtyard_id, buildings=vote.buildings)


async def announce(session: AsyncSession, vote: Vote, now: datetime, policy: Policy) -> int:
    """At opening: a private message to each member of the households in scope, and the
    live card in each residents' group."""
    people = await audiences.members(session, _scope(vote))
    sent = await outbox.enqueue_many(
        session,
        VoteAnnounced(vote=brief(vote), text=vote.text),
        people,
        dedupe_key=lambda r: f"vote-announce:{vote.id}:{r.key}",
        now=now,
        quiet=policy.quiet_for(VoteAnnounced.kind),
    )
    groups = await audiences.group_chats(session, vote.courtyard_id, GroupKind.RESIDENTS)
    sent += await outbox.enqueue_many(
        session,
        VoteGroupCard(vote=brief(vote), participation=participation(vote, 0, 0)),
        groups,
        dedupe_key=lambda r: f"vote-card:{vote.id}:{r.key}",
        now=now,
    )
    rows = await session.execute(
        select(OutboxMessage.chat_id, OutboxMessage.id).where(
            OutboxMessage.dedupe_key.in_([f"vote-card:{vote.id}:{g.key}" for g in groups])
        )
    )
    session.add_all(
        VoteCard(vote_id=vote.id, chat_id=chat, outbox_id=row_id, shown_heads=0, edited_at=now)
        for chat, row_id in rows
    )
    # households no message reaches: on the grid leaders' list to visit (a paper ballot)
    offline = await audiences.unreachable(session, _scope(vote))
    await visits.add(
        session,
        courtyard_id=vote.courtyard_id,
        kind=VISIT_KIND,
        ref=str(vote.id),
        household_ids=[h.id for h in offline],
        reason="unreachable",
        now=now,
    )
    return sent


async def open_and_announce(
    session: AsyncSession, actor: Actor | None, vote_id: int, now: datetime, policy: Policy
) -> Vote:
    """Open a draft (its snapshot of voters) and tell everyone, in one transaction."""
    vote = await drafting.open_vote(session, actor, vote_id, now)
    await announce(session, vote, now, policy)
    return vote


async def refresh_cards(session: AsyncSession, now: datetime) -> int:
    """Bring the group cards up to date: at most one edit per group per call, and none to a
    group whose card changed within CARD_DEBOUNCE. Returns the edits written."""
    cards = (
        await session.execute(
            select(VoteCard, Vote)
            .join(Vote, Vote.id == VoteCard.vote_id)
            .where(
                Vote.status.in_(
                    [VoteStatus.OPEN, VoteStatus.CLOSED, VoteStatus.FINAL, VoteStatus.CANCELLED]
                ),
                VoteCard.shown_closed.is_(False),
            )
            .order_by(VoteCard.edited_at, VoteCard.id)
        )
    ).all()
    if not cards:
        return 0
    vote_ids = sorted({v.id for _c, v in cards})
    counts = {
        vote_id: (int(heads), int(area))
        for vote_id, heads, area in await session.execute(
            select(Ballot.vote_id, func.sum(Ballot.heads), func.sum(Ballot.area_centi_m2))
            .where(Ballot.vote_id.in_(vote_ids))
            .group_by(Ballot.vote_id)
        )
    }
    rows = {
        r.id: r
        for r in await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.id.in_([c.outbox_id for c, _v in cards if c.outbox_id])
            )
        )
    }
    busy: set[int] = set()
    edits = 0
    for card, vote in cards:
        heads, area = counts.get(vote.id, (0, 0))
        closed = vote.status is not VoteStatus.OPEN
        if card.chat_id in busy or (heads == card.shown_heads and not closed):
            continue
        if card.edited_at is not None and now - card.edited_at < CARD_DEBOUNCE:
            busy.add(card.chat_id)
            continue
        payload = VoteGroupCard(
            vote=brief(vote), participation=participation(vote, heads, area), closed=closed
        )
        row = rows.get(card.outbox_id or 0)
        if row is None:
            continue
        if row.status is OutboxStatus.PENDING:
            if not await outbox.replace_pending(session, row.id, payload):
                continue
        elif row.status is OutboxStatus.SENT and row.telegram_message_id is not None:
            edit = payload.model_copy(update={"edit_message_id": row.telegram_message_id})
            tag = "closed" if closed else str(heads)
            await outbox.enqueue(
                session,
                edit,
                dedupe_key=f"vote-card-edit:{vote.id}:{card.chat_id}:{tag}",
                now=now,
                chat_id=card.chat_id,
            )
        else:
            continue  # on its way: the next call edits it
        card.shown_heads, card.shown_closed, card.edited_at = heads, closed, now
        busy.add(card.chat_id)
        edits += 1
    return edits


def due_stage(vote: Vote, now: datetime) -> ReminderStage | None:
    """The latest reminder stage that has come, if it came after the vote opened."""
    stage: ReminderStage | None = None
    for name, before in REMINDERS:
        moment = vote.closes_at - before
        if moment <= now < vote.closes_at and (vote.opened_at is None or moment >= vote.opened_at):
            stage = name
    return stage


async def waiting_members(session: AsyncSession, vote_id: int) -> list[Recipient]:
    """The approved members of the households whose voter has not voted (one query)."""
    voted = select(Ballot.id).where(
        Ballot.vote_id == vote_id, Ballot.voter_key == VoteVoter.voter_key
    )
    rows = await session.scalars(
        select(Membership.user_id)
        .join(VoteVoter, and_(VoteVoter.household_id == Membership.household_id))
        .where(
            VoteVoter.vote_id == vote_id,
            Membership.status == MembershipStatus.APPROVED,
            ~voted.exists(),
        )
        .distinct()
        .order_by(Membership.user_id)
    )
    return [Recipient(user_id=u) for u in rows]


def _keyed(prefix: str) -> Callable[[Recipient], str]:
    return lambda recipient: f"{prefix}:{recipient.key}"


async def remind(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Reminders 3 days, 1 day and 6 hours before the close, only to households that have
    not voted; each stage once (dedupe keys)."""
    votes = await session.scalars(
        select(Vote).where(Vote.status == VoteStatus.OPEN, Vote.closes_at > now).order_by(Vote.id)
    )
    written = 0
    for vote in votes:
        stage = due_stage(vote, now)
        if stage is None:
            continue
        prefix = f"vote-reminder:{vote.id}:{stage}"
        written += await outbox.enqueue_many(
            session,
            VoteReminder(vote=brief(vote), stage=stage),
            await waiting_members(session, vote.id),
            dedupe_key=_keyed(prefix),
            now=now,
            quiet=policy.quiet_for(VoteReminder.kind),
        )
    return written


async def tell_result(
    session: AsyncSession, vote: Vote, result: Tally, now: datetime, policy: Policy
) -> int:
    """The preliminary result to the residents' groups and every eligible household."""
    winner = result.leader() if result.verdict.outcome.value == "passed" else None
    payload = VoteResult(
        vote=brief(vote),
        participation=participation(vote, result.took_part.heads, result.took_part.area),
        options=[
            OptionResult(position=o.position, text=o.text, heads=o.heads, area=o.area)
            for o in result.options
        ],
        outcome=result.verdict.outcome.value,
        winner=winner.position if winner else None,
        objection_until=(vote.closed_at or now) + timedelta(days=vote.objection_days),
        early_reason=vote.close_reason,
    )
    people = await session.scalars(
        select(Membership.user_id)
        .join(VoteVoter, VoteVoter.household_id == Membership.household_id)
        .where(VoteVoter.vote_id == vote.id, Membership.status == MembershipStatus.APPROVED)
        .distinct()
        .order_by(Membership.user_id)
    )
    recipients = [
        *await audiences.group_chats(session, vote.courtyard_id, GroupKind.RESIDENTS),
        *(Recipient(user_id=u) for u in people),
    ]
    charted = payload.model_copy(update={"with_chart": True})
    return await outbox.enqueue_many(
        session,
        lambda r: charted if r.chat_id is not None else payload,
        recipients,
        dedupe_key=lambda r: f"vote-result:{vote.id}:{r.key}",
        now=now,
        quiet=policy.quiet_for(VoteResult.kind),
    )
