"""Notices in the main menu, in /help and in the ☰ command list."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.utils.i18n import lazy_gettext as __

from services.access import Role
from services.errors import N_
from services.notices.lifecycle import VISIT_KIND
from views.menu import CommandEntry, MenuItem

NOTICES = __("📢 Notices")
SEND = __("📢 Send a notice")
MINE = __("📋 My notices")

SENDERS = (Role.GRID_LEADER, Role.ADMIN)

MENU = (
    MenuItem(NOTICES, (Role.RESIDENT,), 24),
    MenuItem(SEND, SENDERS, 40),
    MenuItem(MINE, SENDERS, 41, more=True),
)

_SENDER_LINES = (
    __("📢 Send a notice: to the whole courtyard, some buildings or units; urgent ones are pinned"),
    __("📋 My notices: who received and confirmed them; remind only those who did not"),
)
HELP_LINES = {
    Role.RESIDENT: (__("📢 Notices: the recent notices of your courtyard"),),
    Role.GRID_LEADER: _SENDER_LINES,
    Role.ADMIN: _SENDER_LINES,
}

COMMANDS = (
    CommandEntry("notices", __("Notices of your courtyard")),
    CommandEntry("notice", __("Send a notice"), SENDERS),
    CommandEntry("mynotices", __("My notices and who confirmed them"), SENDERS),
)


VISIT_TITLE = N_("Notice #%(ref)s: tell them in person")


def visit_title(ref: str, gettext: Callable[[str], str]) -> str:
    """The title of a visit-list entry of kind "notice" (ref: the notice id)."""
    return gettext(VISIT_TITLE) % {"ref": ref}


# on the grid leaders' 🚪 visit list: households a notice could not reach
VISIT_KINDS = {VISIT_KIND: visit_title}
