"""Words for the ledger in the current locale: kinds, categories, methods, statuses, money."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from models import Category, EntryKind, PaymentMethod
from services.fees.money import yuan
from services.ledger.messages import LineFacts
from views.text import h

KINDS = {EntryKind.INCOME: __("Income"), EntryKind.EXPENSE: __("Expense")}

C = Category
CATEGORIES = {
    C.PROPERTY_FEES: __("Property fees"),
    C.PARKING_FEES: __("Parking fees"),
    C.OTHER_INCOME: __("Other income"),
    C.CLEANING: __("Cleaning"),
    C.SECURITY: __("Security"),
    C.REPAIRS: __("Repairs and materials"),
    C.LIFTS: __("Lifts"),
    C.UTILITIES: __("Common water and power"),
    C.WAGES: __("Wages"),
    C.OTHER_EXPENSE: __("Other expenses"),
}

METHODS = {
    PaymentMethod.CASH: __("cash"),
    PaymentMethod.WECHAT: __("WeChat"),
    PaymentMethod.ALIPAY: __("Alipay"),
    PaymentMethod.BANK_TRANSFER: __("bank transfer"),
    PaymentMethod.OTHER: __("other"),
}

STATUSES = {
    "counted": __("counted"),
    "waiting": __("waiting for approval"),
    "rejected": __("rejected"),
}

PROBLEMS = {
    "hash": __("its content no longer matches its fingerprint"),
    "prev_hash": __("it no longer follows the entry before it"),
    "gap": __("an entry is missing"),
    "head": __("the last entries are missing"),
    "approval": __("its approval was changed"),
    "disclosure": __("it differs from what was published"),
}


def kind(value: str) -> str:
    return str(KINDS[EntryKind(value)])


def category(value: str) -> str:
    return str(CATEGORIES[Category(value)])


def money(fen: int) -> str:
    """¥1,234.50: yuan with two decimals and thousands marked."""
    text = yuan(fen)
    sign = "-" if text.startswith("-") else ""
    whole, part = text.lstrip("-").split(".")
    return f"{sign}¥{int(whole):,}.{part}"


def counterparty(line: LineFacts) -> str:
    """Who paid or was paid; fee income says the payment method (stored as its code)."""
    if line.source == "fees":
        try:
            method = str(METHODS[PaymentMethod(line.counterparty)])
        except ValueError:
            method = line.counterparty
        return _("Residents' fees (%(method)s)") % {"method": method}
    return line.counterparty


def line_text(line: LineFacts) -> str:
    """One line in a message, e.g. «#12 2026-11-20 支出 · 电梯 ¥1,280.00 2号电梯年检»."""
    sign = "" if line.amount_fen >= 0 else "−"
    amount = money(abs(line.amount_fen))
    parts = [
        f"<b>#{line.seq}</b> {line.booked_on.isoformat()}",
        f"{kind(line.kind)} · {category(line.category)} {sign}{amount}",
    ]
    who = counterparty(line)
    if who:
        parts.append(h(who))
    if line.description:
        parts.append(h(line.description))
    return "\n".join(parts)
