"""The ledger in the main menu, in /help and in the ☰ command list."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from services.access import Role
from services.ledger.booking import BOOKERS, READERS
from views.menu import CommandEntry, MenuItem

ACCOUNTS = __("📒 Accounts")  # residents: the published months (公示)
LEDGER = __("🧾 Ledger")  # staff and supervisors: the courtyard's book
BOOK = __("➕ Book an entry")  # finance

MENU = (
    MenuItem(ACCOUNTS, (Role.RESIDENT,), 24),
    MenuItem(BOOK, BOOKERS, 60),
    MenuItem(LEDGER, READERS, 61),
)

_STAFF = (__("🧾 Ledger: the courtyard's accounts, approvals, questions, verification, files"),)
HELP_LINES = {
    Role.RESIDENT: (
        __("📒 Accounts: the published accounts of your courtyard; ❓ ask about a line"),
    ),
    Role.FINANCE: (
        __("➕ Book an entry: income or expense, step by step"),
        *_STAFF,
        __("/publish: publish a month's accounts to the residents"),
        __("/reverse 12 reason: correct entry #12 with a reversing entry"),
    ),
    Role.ADMIN: (*_STAFF, __("⏳ Large expenses wait for your approval in 🧾 Ledger")),
    Role.SUPERVISOR: _STAFF,
    Role.GRID_LEADER: _STAFF,
}

COMMANDS = (
    CommandEntry("accounts", __("Published accounts of your courtyard")),
    CommandEntry("ledger", __("The courtyard's accounts"), READERS),
    CommandEntry("book", __("Book an income or expense"), BOOKERS),
    CommandEntry("publish", __("Publish a month's accounts"), BOOKERS),
    CommandEntry("reverse", __("Correct an entry: /reverse 12 reason"), BOOKERS),
)
