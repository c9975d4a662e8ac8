"""Who may do what: roles scoped to one courtyard or all, and the one permission check."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.errors import N_, NotAllowed


class Role(enum.StrEnum):
    RESIDENT = "resident"
    GRID_LEADER = "grid_leader"
    REPAIR = "repair"
    CUSTOMER_SERVICE = "customer_service"
    FINANCE = "finance"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


# how people call each role (msgids, translated by the channel: views, or the CLI's help)
ROLE_NAMES: dict[Role, str] = {
    Role.RESIDENT: N_("residents"),
    Role.GRID_LEADER: N_("grid leaders"),
    Role.REPAIR: N_("the repair team"),
    Role.CUSTOMER_SERVICE: N_("customer service"),
    Role.FINANCE: N_("finance"),
    Role.SUPERVISOR: N_("supervisors"),
    Role.ADMIN: N_("the service center"),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    courtyard_id: int | None  # None: every courtyard


@dataclass(frozen=True)
class Actor:
    """The person behind an update or a command, with what they hold."""

    user_id: int
    name: str
    telegram_id: int | None = None
    locale: str | None = None
    grants: frozenset[Grant] = frozenset()
    # approved households: household id -> courtyard id
    households: dict[int, int] = field(default_factory=dict)
    channel: str = "telegram"

    def roles(self) -> set[Role]:
        found = {g.role for g in self.grants}
        if self.households:
            found.add(Role.RESIDENT)
        return found

    def has(self, role: Role, courtyard_id: int | None = None) -> bool:
        """Holds `role` in `courtyard_id` (or, when None, in at least one courtyard)."""
        if role is Role.RESIDENT and any(
            courtyard_id is None or c == courtyard_id for c in self.households.values()
        ):
            return True
        return any(
            g.role is role
            and (g.courtyard_id is None or courtyard_id is None or g.courtyard_id == courtyard_id)
            for g in self.grants
        )

    def has_any(self, roles: Iterable[Role], courtyard_id: int | None = None) -> bool:
        return any(self.has(r, courtyard_id) for r in roles)

    def courtyards_as(self, roles: Iterable[Role]) -> set[int] | None:
        """Courtyard ids where any of `roles` is held; None means all courtyards."""
        wanted = set(roles)
        ids: set[int] = set()
        for g in self.grants:
            if g.role in wanted:
                if g.courtyard_id is None:
                    return None
                ids.add(g.courtyard_id)
        if Role.RESIDENT in wanted:
            ids.update(self.households.values())
        return ids


def require(actor: Actor, roles: Iterable[Role], courtyard_id: int | None = None) -> None:
    """The one permission check every handler and job goes through."""
    allowed = tuple(roles)
    if not actor.has_any(allowed, courtyard_id):
        raise NotAllowed(roles=allowed)
