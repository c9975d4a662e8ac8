"""Repair tickets in the main menu, in /help and in the ☰ command list."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from services.access import Role
from services.tickets.permissions import STATS_READERS
from views.menu import CommandEntry, MenuItem

REPORT = __("🛠 Report a repair")
MY_REQUESTS = __("📋 My requests")
MY_TICKETS = __("🔧 My tickets")
FILE_FOR = __("📞 File for a resident")
OPEN_TICKETS = __("🗂 Open tickets")
REPAIR_FIGURES = __("📊 Repair figures")

OVERSEERS = (Role.GRID_LEADER, Role.CUSTOMER_SERVICE, Role.SUPERVISOR, Role.ADMIN)

MENU = (
    MenuItem(REPORT, (Role.RESIDENT,), 20),
    MenuItem(MY_REQUESTS, (Role.RESIDENT,), 21),
    MenuItem(MY_TICKETS, (Role.REPAIR,), 30),
    MenuItem(FILE_FOR, (Role.CUSTOMER_SERVICE, Role.GRID_LEADER), 52),
    MenuItem(OPEN_TICKETS, OVERSEERS, 53),
    MenuItem(REPAIR_FIGURES, STATS_READERS, 54, more=True),
)

_LEADER_LINES = (
    __("/tickets: open repair tickets, overdue first"),
    __("/stats: repair figures of the last 30 days"),
    __("/assign WSL-0001: give a ticket to a repair worker"),
    __("/deadline: times to take and to fix tickets"),
    __("📞 File for a resident: a repair for a neighbour who phoned or came by"),
)
HELP_LINES = {
    Role.RESIDENT: (
        __("🛠 Report a repair: tell the repair team what is broken"),
        __("📋 My requests: how your repairs are going"),
    ),
    Role.REPAIR: (
        __("🔧 My tickets: your tickets, and new ones to take"),
        __("🙋 Claim: take a new ticket from its card in the staff group"),
    ),
    Role.GRID_LEADER: _LEADER_LINES,
    Role.ADMIN: _LEADER_LINES,
    Role.CUSTOMER_SERVICE: (
        __("📞 File for a resident: a repair for someone who phoned or came by"),
        __("/tickets: open repair tickets · /ticket WSL-0001: look one up"),
    ),
    Role.SUPERVISOR: (__("/tickets: open repair tickets · /stats: repair figures"),),
}

COMMANDS = (
    # residents are many: their commands are in everyone's list, not a chat scope each
    CommandEntry("report", __("Report a repair")),
    CommandEntry("requests", __("My repair requests")),
    CommandEntry("mytickets", __("My tickets"), (Role.REPAIR,)),
    CommandEntry(
        "file", __("File a repair for a resident"), (Role.CUSTOMER_SERVICE, Role.GRID_LEADER)
    ),
    CommandEntry("tickets", __("Open repair tickets"), OVERSEERS),
    CommandEntry("ticket", __("Look up a ticket: /ticket WSL-0001"), OVERSEERS),
    CommandEntry("stats", __("Repair figures of the last 30 days"), STATS_READERS),
    CommandEntry("assign", __("Give a ticket to a repair worker"), (Role.GRID_LEADER, Role.ADMIN)),
    CommandEntry(
        "deadline", __("Times to take and to fix tickets"), (Role.GRID_LEADER, Role.ADMIN)
    ),
)
