"""Fee words in the reader's language: months, money, payment methods, adjustments."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from models import AdjustmentKind, PaymentMethod
from services.fees.money import rate_text, yuan

METHOD_NAMES = {
    PaymentMethod.CASH: __("cash"),
    PaymentMethod.WECHAT: __("WeChat"),
    PaymentMethod.ALIPAY: __("Alipay"),
    PaymentMethod.BANK_TRANSFER: __("bank transfer"),
    PaymentMethod.OTHER: __("other"),
}

ADJUSTMENT_NAMES = {
    AdjustmentKind.VACANT: __("vacant flat"),
    AdjustmentKind.HARDSHIP: __("hardship waiver"),
    AdjustmentKind.OTHER: __("adjustment"),
}


def money(fen: int) -> str:
    return f"¥{yuan(fen)}"


def month(period: str) -> str:
    """'2026-11' as people say it: 2026年11月 / Nov 2026 (the catalog decides)."""
    return _("%(month)s/%(year)s") % {"year": period[:4], "month": int(period[5:7])}


def day(value: date) -> str:
    return value.isoformat()


def method(value: str | PaymentMethod | None, *, title: bool = False) -> str:
    """A method's name; `title`: as a button starts it ("WeChat", "Cash")."""
    if value is None:
        return ""
    try:
        name = str(METHOD_NAMES[PaymentMethod(value)])
    except ValueError:
        name = str(value)
    return name[:1].upper() + name[1:] if title else name


def adjustment(kind: AdjustmentKind | None) -> str:
    return str(ADJUSTMENT_NAMES[kind or AdjustmentKind.OTHER])


def exact_yuan(value: Decimal) -> str:
    """An exact yuan amount: '= ¥39.25' when it is whole fen, else '≈ ¥37.27'."""
    fen = value * 100
    rounded = int(fen.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return ("= " if fen == rounded else "≈ ") + money(rounded)


def rate(per_m2: int) -> str:
    """A stored rate as yuan per m²: 5000 → '0.50'."""
    return rate_text(per_m2)
