"""The kinds of adjustment as finance chooses them (buttons: "Other" rather than the word
"adjustment" used in a bill); payment methods and money come from views.fees.words."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from models import AdjustmentKind, PaymentMethod
from views.fees import words

ADJUSTMENT_CHOICES = {
    AdjustmentKind.VACANT: __("Vacant flat (空置房)"),
    AdjustmentKind.HARDSHIP: __("Hardship waiver (低保)"),
    AdjustmentKind.OTHER: __("Other"),
}


def method_name(method: PaymentMethod) -> str:
    """As a button or a summary starts it: 现金 / Cash."""
    return words.method(method, title=True)


def adjustment_name(kind: AdjustmentKind) -> str:
    return str(ADJUSTMENT_CHOICES[kind])
