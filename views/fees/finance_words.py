"""Names finance sees and says: payment methods and kinds of adjustment, in the current locale."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from models import AdjustmentKind, PaymentMethod

METHOD_NAMES = {
    PaymentMethod.CASH: __("Cash"),
    PaymentMethod.WECHAT: __("WeChat"),
    PaymentMethod.ALIPAY: __("Alipay"),
    PaymentMethod.BANK_TRANSFER: __("Bank transfer"),
    PaymentMethod.OTHER: __("Other"),
}

ADJUSTMENT_NAMES = {
    AdjustmentKind.VACANT: __("Vacant flat (空置房)"),
    AdjustmentKind.HARDSHIP: __("Hardship waiver (低保)"),
    AdjustmentKind.OTHER: __("Other"),
}


def method_name(method: PaymentMethod) -> str:
    return str(METHOD_NAMES[method])


def adjustment_name(kind: AdjustmentKind) -> str:
    return str(ADJUSTMENT_NAMES[kind])
