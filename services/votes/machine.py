"""The vote's state machine as data, and the parties a person can be in towards a vote."""

from __future__ import annotations

import enum
from datetime import datetime

from models import VoteStatus
from models import VoteStatus as S
from services.access import Actor, Role
from services.statemachine import SAME, StateMachine, Transition


class VoteAction(enum.StrEnum):
    EDIT = "edit"
    OPEN = "open"
    DISCARD = "discard"
    CAST = "cast"
    ENTER = "enter"  # a paper, proxy or in-person ballot
    CLOSE = "close"  # at the deadline
    CLOSE_EARLY = "close_early"
    CANCEL = "cancel"
    FINALIZE = "finalize"  # the objection period is over


class Party(enum.StrEnum):
    VOTER = "voter"
    ORGANIZER = "organizer"  # a grid leader or admin of the courtyard
    ADMIN = "admin"
    SYSTEM = "system"


A = VoteAction
P = Party
MACHINE: StateMachine[VoteStatus, VoteAction, Party] = StateMachine(
    {
        A.EDIT: Transition({S.DRAFT}, SAME, {P.ORGANIZER}, event="vote_edited"),
        A.OPEN: Transition({S.DRAFT}, S.OPEN, {P.ORGANIZER}, event="vote_opened"),
        A.DISCARD: Transition({S.DRAFT}, S.CANCELLED, {P.ORGANIZER}, event="vote_discarded"),
        A.CAST: Transition({S.OPEN}, SAME, {P.VOTER}, event="ballot_cast"),
        A.ENTER: Transition({S.OPEN}, SAME, {P.ORGANIZER}, event="ballot_entered"),
        A.CLOSE: Transition({S.OPEN}, S.CLOSED, {P.SYSTEM}, event="vote_closed"),
        A.CLOSE_EARLY: Transition({S.OPEN}, S.CLOSED, {P.ADMIN}, event="vote_closed_early"),
        A.CANCEL: Transition({S.OPEN}, S.CANCELLED, {P.ADMIN}, event="vote_cancelled"),
        A.FINALIZE: Transition({S.CLOSED}, S.FINAL, {P.SYSTEM}, event="vote_final"),
    }
)


def parties(actor: Actor | None, courtyard_id: int) -> frozenset[Party]:
    """What `actor` is towards votes of this courtyard; None is the terminal's operator."""
    if actor is None:
        return frozenset({P.ORGANIZER, P.ADMIN, P.SYSTEM})
    found: set[Party] = set()
    if actor.has(Role.RESIDENT, courtyard_id):
        found.add(P.VOTER)
    if actor.has_any((Role.GRID_LEADER, Role.ADMIN), courtyard_id):
        found.add(P.ORGANIZER)
    if actor.has(Role.ADMIN, courtyard_id):
        found.add(P.ADMIN)
    return frozenset(found)


def closing_passed(closes_at: datetime, now: datetime) -> bool:
    return now >= closes_at


# whom a refusal names, by action
ROLES_FOR: dict[VoteAction, tuple[Role, ...]] = {
    A.EDIT: (Role.GRID_LEADER, Role.ADMIN),
    A.OPEN: (Role.GRID_LEADER, Role.ADMIN),
    A.DISCARD: (Role.GRID_LEADER, Role.ADMIN),
    A.ENTER: (Role.GRID_LEADER, Role.ADMIN),
    A.CAST: (Role.RESIDENT,),
    A.CLOSE_EARLY: (Role.ADMIN,),
    A.CANCEL: (Role.ADMIN,),
    A.CLOSE: (Role.ADMIN,),
    A.FINALIZE: (Role.ADMIN,),
}


def require(
    actor: Actor | None,
    status: VoteStatus,
    courtyard_id: int,
    action: VoteAction,
    *,
    system: bool = False,
) -> VoteStatus:
    """The state after `action`, or the clear refusal: who may, or what state it is in."""
    from services.errors import NotAllowed
    from services.statemachine import Refusal
    from services.votes.errors import VoteClosed, VoteFrozen, VoteNotOpen

    held = frozenset({P.SYSTEM}) if system else parties(actor, courtyard_id)
    refusal = MACHINE.refusal(status, action, held)
    if refusal is None:
        return MACHINE.target(status, action)
    if refusal is Refusal.PARTY:
        raise NotAllowed(roles=ROLES_FOR[action])
    if action is A.EDIT and status is S.OPEN:
        raise VoteFrozen()
    if action in (A.CAST, A.ENTER) and status in (S.CLOSED, S.FINAL):
        raise VoteClosed()
    raise VoteNotOpen()
