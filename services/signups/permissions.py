"""Who may do what with gatherings."""

from __future__ import annotations

from services.access import Role

# create and publish, sign up a neighbour, keep the check-in list, export it
ORGANIZERS = (Role.GRID_LEADER, Role.ADMIN)
# read the check-in list and export it (nothing else)
ROSTER_READERS = (*ORGANIZERS, Role.SUPERVISOR)
