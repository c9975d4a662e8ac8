"""Recording a payment as the clerk sees it: what the household owes, the method buttons, the
amount (with the whole amount as a button), the date, the optional reference and photo, the
check before saving, the receipt number; and the household's payments with 「冲正」."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import PaymentMethod
from services.fees.accounts import Dues, PaymentRow
from services.fees.money import yuan
from services.fees.payments import PaymentInfo
from views.fees.finance_callbacks import PayStep
from views.fees.finance_words import method_name
from views.text import area, h

Question = tuple[str, InlineKeyboardMarkup | None]


def _button(text: str, step: PayStep) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=step.pack())


def _cancel() -> list[InlineKeyboardButton]:
    return [_button(_("✖ Cancel"), PayStep(a="cancel"))]


def _markup(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*rows, _cancel()])


def _owed(dues: Dues) -> list[str]:
    lines = [
        _("💵 Payment for %(household)s (%(area)s, parking spaces: %(spaces)s)")
        % {
            "household": h(dues.label),
            "area": area(dues.area_centi_m2),
            "spaces": dues.parking_spaces,
        }
    ]
    if dues.months:
        lines.append(_("Still open:"))
        lines += [f"· {m.period}  ¥{yuan(m.open_fen)}" for m in dues.months]
        lines.append(_("Due in all: ¥%(total)s") % {"total": yuan(dues.total_fen)})
    else:
        lines.append(_("Nothing is open. A payment now is kept as credit for later bills."))
    if dues.credit_fen:
        lines.append(_("Credit: ¥%(credit)s") % {"credit": yuan(dues.credit_fen)})
    return lines


def dues_screen(dues: Dues) -> Question:
    """The household's account, then: how was it paid?"""
    lines = [*_owed(dues), "", _("How was it paid?")]
    methods = [_button(method_name(m), PayStep(a="method", v=m.value)) for m in PaymentMethod]
    rows = [methods[i : i + 2] for i in range(0, len(methods), 2)]
    rows.append(
        [_button(_("🧾 Payments and reversals"), PayStep(a="history", h=dues.household_id))]
    )
    return "\n".join(lines), _markup(*rows)


def ask_amount(method: PaymentMethod, due_fen: int) -> Question:
    text = _("%(method)s. How much was received? In yuan, e.g. 120 or 86.50.") % {
        "method": method_name(method)
    }
    rows = []
    if due_fen > 0:
        rows.append([_button(_("All ¥%(total)s") % {"total": yuan(due_fen)}, PayStep(a="all"))])
    return text, _markup(*rows)


def ask_day(today: date) -> Question:
    text = _("On which day was it paid? Tap Today, or write it as YYYY-MM-DD.")
    label = _("Today %(day)s") % {"day": today.isoformat()}
    return text, _markup([_button(label, PayStep(a="today"))])


def ask_reference() -> Question:
    return (
        _(
            "The number of the paper receipt or of the transfer (流水号), if there is one. "
            "Write it, or tap Skip."
        ),
        _markup([_button(_("Skip"), PayStep(a="skip"))]),
    )


def ask_photo() -> Question:
    return (
        _("A photo of the receipt or of the transfer, if you have one. Send it, or tap Skip."),
        _markup([_button(_("Skip"), PayStep(a="skip"))]),
    )


@dataclass(frozen=True)
class PaymentDraft:
    household: str
    method: PaymentMethod
    amount_fen: int
    paid_on: date
    reference: str | None
    photo: bool


def confirmation(draft: PaymentDraft) -> Question:
    lines = [
        _("Please check:"),
        _("Household: %(household)s") % {"household": h(draft.household)},
        _("Received: ¥%(amount)s, %(method)s")
        % {"amount": yuan(draft.amount_fen), "method": method_name(draft.method)},
        _("Paid on: %(day)s") % {"day": draft.paid_on.isoformat()},
        _("Reference: %(reference)s") % {"reference": h(draft.reference or _("none"))},
        _("Photo: %(photo)s") % {"photo": _("attached") if draft.photo else _("none")},
    ]
    rows = [[_button(_("✅ Record the payment"), PayStep(a="ok"))]]
    return "\n".join(lines), _markup(*rows)


def recorded(info: PaymentInfo, household: str) -> str:
    lines = [
        _("✅ Recorded ¥%(amount)s (%(method)s) for %(household)s.")
        % {
            "amount": yuan(info.amount_fen),
            "method": method_name(info.method),
            "household": h(household),
        },
        _("Receipt number: %(receipt)s") % {"receipt": f"<b>{h(info.receipt_number)}</b>"},
    ]
    settled = list(dict.fromkeys(a.period for a in info.allocations))
    if settled:
        lines.append(_("It pays for: %(months)s") % {"months": _(", ").join(settled)})
    if info.credit_fen:
        lines.append(_("Credit left: ¥%(credit)s") % {"credit": yuan(info.credit_fen)})
    lines.append(
        _(
            "The household's members on Telegram get the receipt in the chat; anyone else "
            "needs a paper one."
        )
    )
    return "\n".join(lines)


def history(household: str, household_id: int, rows: Sequence[PaymentRow]) -> Question:
    lines = [_("🧾 Payments of %(household)s (newest first)") % {"household": h(household)}]
    buttons: list[list[InlineKeyboardButton]] = []
    if not rows:
        lines.append(_("No payment recorded yet."))
    for row in rows:
        line = _("%(receipt)s · %(day)s · ¥%(amount)s · %(method)s") % {
            "receipt": h(row.receipt_number),
            "day": row.paid_on.isoformat(),
            "amount": yuan(row.amount_fen),
            "method": method_name(row.method),
        }
        if row.reference:
            line += " · " + h(row.reference)
        if row.reversed_reason is not None:
            line += " · " + _("reversed: %(reason)s") % {"reason": h(row.reversed_reason)}
        else:
            step = PayStep(a="reverse", h=household_id, v=row.receipt_number)
            buttons.append(
                [_button(_("↩ Reverse %(receipt)s") % {"receipt": row.receipt_number}, step)]
            )
        lines.append(line)
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[*buttons, _cancel()])


def ask_reversal_reason(receipt: str) -> Question:
    text = _(
        "Why is %(receipt)s reversed (冲正)? Please write the reason; it is kept with the "
        "payment. The payment is not deleted: it stops counting and its months are open again."
    ) % {"receipt": h(receipt)}
    return text, _markup()


def reversed_done(receipt: str, reason: str) -> str:
    return _("✅ %(receipt)s is reversed: %(reason)s. Its months are open again.") % {
        "receipt": h(receipt),
        "reason": h(reason),
    }
