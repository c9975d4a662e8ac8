"""Votes as messages and views see them."""

from __future__ import annotations

from models import Vote
from services.votes.messages import VoteBrief


def brief(vote: Vote) -> VoteBrief:
    return VoteBrief(
        id=vote.id, title=vote.title, rule=vote.rule, matter=vote.matter, closes_at=vote.closes_at
    )
