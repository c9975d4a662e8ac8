"""How reminders say things: months, days, money, the bill's breakdown and the answers.

The words stay polite and lawful: they name the amount, the months and a date, and the lawful
next step (mediation, arbitration, a court), never a threat to cut water, power, heating, gas,
lifts or parking (Civil Code Art. 944; tests/services/test_fees_reminder_words.py checks it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from models import ReminderAnswer
from services.fees.money import rate_text, yuan
from services.fees.reminder_messages import BillBreakdown

A = ReminderAnswer
ANSWERS = {
    A.FORGOT: __("🙂 I forgot"),
    A.HARDSHIP: __("🤝 I have difficulties"),
    A.DISPUTE: __("🛠 I am not satisfied with the service"),
    A.MOVED: __("🏠 I have moved out"),
    A.OTHER: __("✏️ Something else"),
}


def answer_name(answer: ReminderAnswer) -> str:
    return str(ANSWERS[answer])


def month(period: str) -> str:
    """'2026-12' as '2026年12月' / '2026/12'."""
    return _("%(year)s/%(month)s") % {"year": period[:4], "month": int(period[5:7])}


def months(periods: Iterable[str]) -> str:
    return _(", ").join(month(p) for p in periods)


def day(value: date) -> str:
    return _("%(year)s/%(month)s/%(day)s") % {
        "year": value.year,
        "month": value.month,
        "day": value.day,
    }


def money(fen: int) -> str:
    return _("¥%(amount)s") % {"amount": yuan(fen)}


def area(centi_m2: int) -> str:
    whole, part = divmod(centi_m2, 100)
    return f"{whole}.{part:02d}"


def breakdown(bill: BillBreakdown) -> list[str]:
    """The bill line as frozen: area × rate, spaces × fee, the adjustment, the amount."""
    lines = [
        _("Property fee: %(area)s m² × ¥%(rate)s per m²")
        % {"area": area(bill.area_centi_m2), "rate": rate_text(bill.rate_per_m2)}
    ]
    if bill.parking_spaces:
        lines.append(
            _("Parking space fee: %(spaces)s × %(fee)s")
            % {"spaces": bill.parking_spaces, "fee": money(bill.parking_fee_fen)}
        )
    if bill.adjustment_percent != 100:
        lines.append(_("Adjusted: %(percent)s%% of the fee") % {"percent": bill.adjustment_percent})
    lines.append(_("Amount: %(amount)s") % {"amount": money(bill.amount_fen)})
    return lines


def how_to_pay() -> str:
    return _(
        "How to pay: at the service center's office, or as shown under 💰 My bills. "
        "Already paid? Thank you, please ignore this message."
    )
