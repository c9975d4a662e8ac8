"""The notice's state machine as data: draft → scheduled (the grace, or its chosen time) →
sent; a draft can be dropped and a scheduled notice withdrawn before it goes out. A sent notice
is never edited: acknowledgements and the one reminder do not change it."""

from __future__ import annotations

import enum
from datetime import datetime

from models import Notice, NoticeStatus
from services.statemachine import SAME, StateMachine, Transition


class NoticeAction(enum.StrEnum):
    SEND = "send"
    DISCARD = "discard"
    WITHDRAW = "withdraw"
    GO_OUT = "go_out"
    ACKNOWLEDGE = "acknowledge"
    REMIND = "remind"


class NoticeParty(enum.StrEnum):
    AUTHOR = "author"
    MEMBER = "member"  # an approved member of a household in scope
    SYSTEM = "system"  # the scheduler


def _before_it_goes_out(subject: tuple[Notice, datetime]) -> bool:
    notice, now = subject
    return notice.goes_out_at is None or now < notice.goes_out_at


def _out(subject: tuple[Notice, datetime]) -> bool:
    notice, now = subject
    return notice.goes_out_at is not None and notice.goes_out_at <= now


def _may_remind(subject: tuple[Notice, datetime]) -> bool:
    notice, now = subject
    return (
        notice.needs_ack
        and notice.ack_deadline is not None
        and notice.ack_deadline <= now
        and notice.reminded_at is None
    )


_OUT = {NoticeStatus.SCHEDULED, NoticeStatus.SENT}

NOTICES: StateMachine[NoticeStatus, NoticeAction, NoticeParty] = StateMachine(
    {
        NoticeAction.SEND: Transition(
            {NoticeStatus.DRAFT}, NoticeStatus.SCHEDULED, {NoticeParty.AUTHOR}, event="scheduled"
        ),
        NoticeAction.DISCARD: Transition(
            {NoticeStatus.DRAFT}, NoticeStatus.CANCELLED, {NoticeParty.AUTHOR}, event="discarded"
        ),
        NoticeAction.WITHDRAW: Transition(
            {NoticeStatus.SCHEDULED},
            NoticeStatus.CANCELLED,
            {NoticeParty.AUTHOR},
            when=_before_it_goes_out,
            event="withdrawn",
        ),
        NoticeAction.GO_OUT: Transition(
            {NoticeStatus.SCHEDULED},
            NoticeStatus.SENT,
            {NoticeParty.SYSTEM},
            when=_out,
            event="sent",
        ),
        # a scheduled notice whose time has come is out, even before the sweep marks it sent
        NoticeAction.ACKNOWLEDGE: Transition(
            _OUT, SAME, {NoticeParty.MEMBER}, when=_out, event="acknowledged"
        ),
        NoticeAction.REMIND: Transition(
            _OUT, SAME, {NoticeParty.AUTHOR}, when=_may_remind, event="reminded"
        ),
    }
)


def is_out(notice: Notice, now: datetime) -> bool:
    return notice.status in _OUT and _out((notice, now))
