"""Who may see and do what with tickets, on top of services.access."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from services.access import Actor, Role
from services.errors import NotFound

# read any ticket of their courtyards (supervisors and admins usually hold theirs everywhere)
STAFF_READERS = (
    Role.REPAIR,
    Role.GRID_LEADER,
    Role.CUSTOMER_SERVICE,
    Role.ADMIN,
    Role.SUPERVISOR,
)
# file a ticket for a household that phoned or came by
FILERS = (Role.CUSTOMER_SERVICE, Role.GRID_LEADER, Role.ADMIN)
# assign tickets and set deadlines
LEADERS = (Role.GRID_LEADER, Role.ADMIN)
# /tickets and /stats
OVERSEERS = (Role.GRID_LEADER, Role.ADMIN, Role.SUPERVISOR, Role.CUSTOMER_SERVICE, Role.REPAIR)
STATS_READERS = (Role.GRID_LEADER, Role.ADMIN, Role.SUPERVISOR)
WORKERS = (Role.REPAIR,)


def can_view(actor: Actor, courtyard_id: int, household_id: int) -> bool:
    """Residents see their own households' tickets; staff their courtyards'."""
    return household_id in actor.households or actor.has_any(STAFF_READERS, courtyard_id)


def require_view(actor: Actor, courtyard_id: int, household_id: int) -> None:
    # "not found" rather than "not allowed": a resident must not learn that a number exists
    if not can_view(actor, courtyard_id, household_id):
        raise NotFound()


class Party(enum.StrEnum):
    """In what capacity someone acts on a ticket: the `who` of its state machine."""

    REPORTER = "reporter"  # reported it (or lives in the household it was filed for)
    ASSIGNEE = "assignee"  # has it
    WORKER = "worker"  # in the repair team of its courtyard
    LEADER = "leader"  # leads its courtyard (or the service center)
    SYSTEM = "system"  # the scheduler


@dataclass(frozen=True)
class Capacity:
    """In what capacity a person looks at a ticket: which of its buttons make sense for them.
    The services check again when a button is tapped."""

    reporter: bool  # may cancel, confirm, reopen and rate
    assignee: bool  # has it: start, hold, resume, resolve
    worker: bool  # in the repair team of its courtyard: may claim
    leader: bool  # may assign

    @property
    def parties(self) -> frozenset[Party]:
        held = {
            Party.REPORTER: self.reporter,
            Party.ASSIGNEE: self.assignee,
            Party.WORKER: self.worker,
            Party.LEADER: self.leader,
        }
        return frozenset(p for p, yes in held.items() if yes)


def capacity(
    actor: Actor,
    *,
    courtyard_id: int,
    household_id: int,
    reporter_id: int,
    on_behalf: bool,
    assignee_id: int | None,
) -> Capacity:
    return Capacity(
        reporter=actor.user_id == reporter_id or (on_behalf and household_id in actor.households),
        assignee=assignee_id == actor.user_id and actor.has(Role.REPAIR, courtyard_id),
        worker=actor.has(Role.REPAIR, courtyard_id),
        leader=actor.has_any(LEADERS, courtyard_id),
    )
