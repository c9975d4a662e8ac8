"""Fees in the main menu, in /help and in the ☰ command list.

(The finance side's entries; the residents' 💰 My bills joins them here.)"""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from services.access import Role
from services.fees.collection import READERS as RATE_READERS
from views.menu import CommandEntry, MenuItem

RECORD_PAYMENT = __("💵 Record a payment")
ADJUSTMENTS = __("🏷 Fee adjustments")
FEE_PLANS = __("📐 Fee plans")
COLLECTION_RATES = __("📊 Collection rates")

MENU = (
    MenuItem(RECORD_PAYMENT, (Role.FINANCE,), 40),
    MenuItem(ADJUSTMENTS, (Role.FINANCE,), 41),
    MenuItem(FEE_PLANS, (Role.FINANCE, Role.ADMIN), 42),
    MenuItem(COLLECTION_RATES, RATE_READERS, 55),
)

_RATES_LINE = __("📊 Collection rates (/fees): both definitions, arrears apart, a chart")
HELP_LINES = {
    Role.FINANCE: (
        __("💵 Record a payment (/pay): pick the household, method, amount, date; a receipt"),
        __("🏷 Fee adjustments (/adjust): vacant flat, hardship waiver, with a reason"),
        __("📐 Fee plans (/plans): the rates, and a new plan from a later month"),
        _RATES_LINE,
    ),
    Role.GRID_LEADER: (_RATES_LINE,),
    Role.SUPERVISOR: (_RATES_LINE,),
    Role.ADMIN: (_RATES_LINE, __("📐 Fee plans (/plans): each courtyard's rates")),
}

COMMANDS = (
    CommandEntry("fees", __("Collection rates (收费率)"), RATE_READERS),
    CommandEntry("pay", __("Record a payment"), (Role.FINANCE,)),
    CommandEntry("adjust", __("Fee adjustments"), (Role.FINANCE,)),
    CommandEntry("plans", __("Fee plans"), (Role.FINANCE, Role.ADMIN)),
    CommandEntry("fees", __("Collection rates of this courtyard"), group=True),
)
