"""Fees in the main menu, in /help and in the ☰ command list.

Menu orders: residents' items 22-29, finance's 40-49, overseers' (grid leaders, supervisors,
admins) 55-59. Each part of the feature adds its items, help lines and commands in its section."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from services.access import Role
from services.fees.collection import READERS as RATE_READERS
from views.menu import CommandEntry, MenuItem

# residents
MY_BILLS = __("💰 My bills")

# finance (and admins)
FINANCE = (Role.FINANCE, Role.ADMIN)
PAYMENT_SETUP = __("🏦 Payment instructions")
RECORD_PAYMENT = __("💵 Record a payment")
ADJUSTMENTS = __("🏷 Fee adjustments")
FEE_PLANS = __("📐 Fee plans")

# overseers (finance, grid leaders, supervisors, admins)
COLLECTION_RATES = __("📊 Collection rates")

MENU: tuple[MenuItem, ...] = (
    # residents (22-29)
    MenuItem(MY_BILLS, (Role.RESIDENT,), 22),
    # finance (40-49)
    MenuItem(RECORD_PAYMENT, (Role.FINANCE,), 40),
    MenuItem(ADJUSTMENTS, (Role.FINANCE,), 41),
    MenuItem(FEE_PLANS, FINANCE, 42),
    MenuItem(PAYMENT_SETUP, FINANCE, 48),
    # overseers (55-59)
    MenuItem(COLLECTION_RATES, RATE_READERS, 55, more=True),
)

_RATES_LINE = __("📊 Collection rates (/fees): both definitions, arrears apart, a chart")
HELP_LINES: dict[Role, tuple[LazyProxy, ...]] = {
    Role.RESIDENT: (
        __("💰 My bills: what you owe and why, how to pay, your receipts"),
        __("✅ I have paid (in 💰 My bills): send finance your transfer screenshot"),
    ),
    Role.FINANCE: (
        __("💵 Record a payment (/pay): pick the household, method, amount, date; a receipt"),
        __("🏷 Fee adjustments (/adjust): vacant flat, hardship waiver, with a reason"),
        __("📐 Fee plans (/plans): the rates, and a new plan from a later month"),
        __("🏦 Payment instructions: bank account, office hours and QR code residents see"),
        _RATES_LINE,
    ),
    Role.ADMIN: (_RATES_LINE, __("📐 Fee plans (/plans): each courtyard's rates")),
    Role.GRID_LEADER: (_RATES_LINE,),
    Role.SUPERVISOR: (_RATES_LINE,),
}

COMMANDS: tuple[CommandEntry, ...] = (
    # residents' commands are everyone's (no roles)
    CommandEntry("bills", __("My bills")),
    # finance
    CommandEntry("pay", __("Record a payment"), (Role.FINANCE,)),
    CommandEntry("adjust", __("Fee adjustments"), (Role.FINANCE,)),
    CommandEntry("plans", __("Fee plans"), FINANCE),
    # overseers
    CommandEntry("fees", __("Collection rates (收费率)"), RATE_READERS),
    CommandEntry("fees", __("Collection rates of this courtyard"), group=True),
)
