"""Votes in the main menu, in /help and in the ☰ command list."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.utils.i18n import lazy_gettext as __

from services.access import Role
from services.errors import N_
from views.menu import CommandEntry, MenuItem

VOTE = __("🗳 Vote")
ORGANIZE = __("🗳 Votes")
NEW_VOTE = __("➕ New vote")

ORGANIZERS = (Role.GRID_LEADER, Role.ADMIN)

MENU = (
    MenuItem(VOTE, (Role.RESIDENT,), 24),
    MenuItem(ORGANIZE, (*ORGANIZERS, Role.SUPERVISOR), 56),
    MenuItem(NEW_VOTE, ORGANIZERS, 57, more=True),
)

_ORGANIZER_LINES = (
    __("🗳 Votes: follow a vote live, enter paper ballots, see who has not voted"),
    __("➕ New vote (/newvote): a vote on plans, step by step"),
)
HELP_LINES = {
    Role.RESIDENT: (__("🗳 Vote: your household's ballot, with each plan's price for your home"),),
    Role.GRID_LEADER: _ORGANIZER_LINES,
    Role.ADMIN: _ORGANIZER_LINES,
    Role.SUPERVISOR: (__("🗳 Votes: follow votes and their counts"),),
    Role.FINANCE: (__("/adopt 3 2027-01: adopt the fee plan a vote passed, from a month"),),
}

COMMANDS = (
    CommandEntry("vote_now", __("Vote: your household's ballot")),
    CommandEntry("votes", __("Votes and their counts"), (*ORGANIZERS, Role.SUPERVISOR)),
    CommandEntry("newvote", __("Start a vote"), ORGANIZERS),
    CommandEntry("adopt", __("Adopt the fee plan a vote passed"), (Role.FINANCE,)),
)


VISIT_TITLE = N_("🗳 Vote #%(ref)s: bring the paper ballot")


def visit_title(ref: str, gettext: Callable[[str], str]) -> str:
    """A vote's line on the grid leaders' 🚪 list (views.visits.VisitTitle)."""
    return gettext(VISIT_TITLE) % {"ref": ref}


VISIT_KINDS = {"vote": visit_title}
