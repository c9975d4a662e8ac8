"""Fees in the main menu, in /help and in the ☰ command list.

Menu orders: residents' items 22-29, finance's 40-49, overseers' (grid leaders, supervisors,
admins) 55-59. Each part of the feature adds its items, help lines and commands in its section."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from services.access import Role
from views.menu import CommandEntry, MenuItem

# residents
MY_BILLS = __("💰 My bills")

# finance (and admins)
FINANCE = (Role.FINANCE, Role.ADMIN)
PAYMENT_SETUP = __("🏦 Payment instructions")

MENU: tuple[MenuItem, ...] = (
    # residents (22-29)
    MenuItem(MY_BILLS, (Role.RESIDENT,), 22),
    # finance (40-49)
    MenuItem(PAYMENT_SETUP, FINANCE, 48),
    # overseers (55-59)
)

HELP_LINES: dict[Role, tuple[LazyProxy, ...]] = {
    Role.RESIDENT: (
        __("💰 My bills: what you owe and why, how to pay, your receipts"),
        __("✅ I have paid (in 💰 My bills): send finance your transfer screenshot"),
    ),
    Role.FINANCE: (
        __("🏦 Payment instructions: bank account, office hours and QR code residents see"),
    ),
    Role.ADMIN: (),
    Role.GRID_LEADER: (),
    Role.SUPERVISOR: (),
}

COMMANDS: tuple[CommandEntry, ...] = (
    # residents' commands are everyone's (no roles)
    CommandEntry("bills", __("My bills")),
    # finance
    # overseers
)
