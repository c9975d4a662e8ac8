"""Sign-ups in the main menu, in /help and in the ☰ command list."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from services.access import Role
from services.signups.permissions import ORGANIZERS
from views.menu import CommandEntry, MenuItem

EVENTS = __("📅 Events")
NEW_EVENT = __("📅 New event")

MENU = (
    MenuItem(EVENTS, (Role.RESIDENT, *ORGANIZERS), 24),
    MenuItem(NEW_EVENT, ORGANIZERS, 57, more=True),
)

_LEADER_LINES = (
    __("📅 New event: times with places, e.g. bus-card renewal; residents sign up"),
    __("📅 Events: sign up a neighbour, the check-in list, the list as a spreadsheet"),
)
HELP_LINES = {
    Role.RESIDENT: (__("📅 Events: sign up for a time, or cancel"),),
    Role.GRID_LEADER: _LEADER_LINES,
    Role.ADMIN: _LEADER_LINES,
}

COMMANDS = (
    CommandEntry("events", __("Events with sign-up")),
    CommandEntry("newevent", __("Create an event with sign-up"), ORGANIZERS),
)
