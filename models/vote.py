"""Votes (投票) on plans: the vote, its options (each may carry a fee plan), the snapshot of
who may vote taken at opening, the ballots, the conflicts (a second ballot for a voter that
already has one), the residents' group cards, and a plan adopted from a vote.

Who is one voter (`voter_key`): for a simple vote each household ('h<id>'); for a Civil Code
Art. 278 matter each owner, identified by the owner's name and phone in the household
registry, so that one owner of several units is one head with the areas summed. One ballot per
voter is a unique constraint. Areas are hundredths of m², rates 1/10000 ¥ per m² per month,
fees fen, as everywhere in the store."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class VoteRule(enum.StrEnum):
    SIMPLE = "simple"  # more than half of the participating households
    ART278 = "art278"  # Civil Code Art. 278: the matter (1-9) fixes the thresholds


class VoteStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"  # preliminary result; objections may be raised
    FINAL = "final"  # the objection period is over
    CANCELLED = "cancelled"


class BallotChannel(enum.StrEnum):
    ONLINE = "online"
    PAPER = "paper"
    PROXY = "proxy"
    IN_PERSON = "in_person"


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (Index("ix_votes_courtyard_status", "courtyard_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    rule: Mapped[VoteRule] = mapped_column(_enum(VoteRule))
    matter: Mapped[int | None]  # 1-9 for Art. 278
    buildings: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: the whole courtyard
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime]
    choices_visible_before_close: Mapped[bool] = mapped_column(default=False)
    allow_change: Mapped[bool] = mapped_column(default=False)
    objection_days: Mapped[int] = mapped_column(default=7)
    status: Mapped[VoteStatus] = mapped_column(_enum(VoteStatus), default=VoteStatus.DRAFT)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(300))
    final_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # frozen at opening: who may vote, in heads and in area
    total_heads: Mapped[int] = mapped_column(default=0)
    total_area_centi_m2: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(default=0)

    __mapper_args__ = {"version_id_col": version}


class VoteOption(Base):
    __tablename__ = "vote_options"
    __table_args__ = (UniqueConstraint("vote_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    position: Mapped[int]  # 1, 2, ...
    text: Mapped[str] = mapped_column(String(200))
    # a fee plan, when the option is one: both set or both empty
    rate_per_m2: Mapped[int | None]  # 1/10000 ¥ per m² per month
    parking_fee_fen: Mapped[int | None]
    includes: Mapped[str] = mapped_column(String(200), default="")  # "24 小时门卫"


class VoteVoter(Base):
    """One eligible household at opening, with what it weighs and whose voice it is."""

    __tablename__ = "vote_voters"
    __table_args__ = (
        UniqueConstraint("vote_id", "household_id"),
        Index("ix_vote_voters_vote_key", "vote_id", "voter_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(80))
    building: Mapped[str] = mapped_column(String(40))
    area_centi_m2: Mapped[int]
    parking_spaces: Mapped[int] = mapped_column(default=0)


class Ballot(Base):
    __tablename__ = "ballots"
    __table_args__ = (
        UniqueConstraint("vote_id", "voter_key"),
        UniqueConstraint("vote_id", "receipt_code"),
        Index("ix_ballots_vote_option", "vote_id", "option_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(80))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(ForeignKey("vote_options.id", ondelete="CASCADE"))
    channel: Mapped[BallotChannel] = mapped_column(_enum(BallotChannel))
    cast_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the voter, online
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a grid leader
    proxy_name: Mapped[str | None] = mapped_column(String(100))
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    receipt_code: Mapped[str] = mapped_column(String(12))
    # the weight as it was at opening: one head, the voter's area (summed over units)
    heads: Mapped[int] = mapped_column(default=1)
    area_centi_m2: Mapped[int]
    cast_at: Mapped[datetime]
    changed_at: Mapped[datetime | None]


class BallotConflict(Base):
    """A second ballot for a voter that already had one: it does not count; the organizer is
    told."""

    __tablename__ = "ballot_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(80))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    kept_ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"))
    channel: Mapped[BallotChannel] = mapped_column(_enum(BallotChannel))
    option_id: Mapped[int] = mapped_column(ForeignKey("vote_options.id", ondelete="CASCADE"))
    by_user: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class VoteCard(Base):
    """The live card of a vote in one residents' group: which outbox row carries it, and when
    it was last asked to change and what it shows (edits are debounced per group)."""

    __tablename__ = "vote_cards"
    __table_args__ = (UniqueConstraint("vote_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    outbox_id: Mapped[int | None]  # the row that sent the card (its message id once sent)
    shown_heads: Mapped[int] = mapped_column(default=0)  # participation the card shows
    shown_closed: Mapped[bool] = mapped_column(default=False)
    edited_at: Mapped[datetime | None]


class VoteAdoption(Base):
    """A winning option's fee plan adopted by finance as the courtyard's plan."""

    __tablename__ = "vote_adoptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), unique=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("vote_options.id", ondelete="CASCADE"))
    fee_plan_id: Mapped[int] = mapped_column(ForeignKey("fee_plans.id", ondelete="CASCADE"))
    adopted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    adopted_at: Mapped[datetime]
