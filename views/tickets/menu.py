"""Ticket buttons in the main menu and lines in /help, added when handlers.tickets loads."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from services.access import Role
from views import help as help_view
from views.menu import add_item

REPORT = __("🛠 Report a repair")
MY_REQUESTS = __("📋 My requests")
MY_TICKETS = __("🔧 My tickets")
FILE_FOR = __("📞 File for a resident")
OPEN_TICKETS = __("🗂 Open tickets")

add_item(REPORT, (Role.RESIDENT,), 20)
add_item(MY_REQUESTS, (Role.RESIDENT,), 21)
add_item(MY_TICKETS, (Role.REPAIR,), 30)
add_item(FILE_FOR, (Role.CUSTOMER_SERVICE, Role.GRID_LEADER), 52)
add_item(OPEN_TICKETS, (Role.GRID_LEADER, Role.CUSTOMER_SERVICE, Role.SUPERVISOR, Role.ADMIN), 53)

_LEADER_LINES = [
    __("/tickets: open repair tickets, overdue first"),
    __("/stats: repair figures of the last 30 days"),
    __("/assign WSL-0001: give a ticket to a repair worker"),
    __("/deadline: times to take and to fix tickets"),
    __("📞 File for a resident: a repair for a neighbour who phoned or came by"),
]
for role, lines in {
    Role.RESIDENT: [
        __("🛠 Report a repair: tell the repair team what is broken"),
        __("📋 My requests: how your repairs are going"),
    ],
    Role.REPAIR: [
        __("🔧 My tickets: your tickets, and new ones to take"),
        __("🙋 Claim: take a new ticket from its card in the staff group"),
    ],
    Role.GRID_LEADER: _LEADER_LINES,
    Role.ADMIN: _LEADER_LINES,
    Role.CUSTOMER_SERVICE: [
        __("📞 File for a resident: a repair for someone who phoned or came by"),
        __("/tickets: open repair tickets · /ticket WSL-0001: look one up"),
    ],
    Role.SUPERVISOR: [
        __("/tickets: open repair tickets · /stats: repair figures"),
    ],
}.items():
    help_view.SECTIONS.setdefault(role, []).extend(lines)
