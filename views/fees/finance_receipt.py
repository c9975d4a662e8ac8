"""The receipt message (收据) a household's members get when finance records their payment."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from models import PaymentMethod
from services.fees.money import yuan
from services.fees.receipts import FeeReceipt
from views.fees.finance_words import method_name
from views.outbox import RenderContext, Rendered
from views.text import h


def receipt(payload: FeeReceipt, context: RenderContext) -> Rendered:
    lines = [
        _("🧾 Receipt %(receipt)s · %(courtyard)s")
        % {"receipt": h(payload.receipt_number), "courtyard": h(payload.courtyard)},
        _("Received ¥%(amount)s for %(household)s, %(method)s, on %(day)s. Thank you!")
        % {
            "amount": yuan(payload.amount_fen),
            "household": h(payload.household),
            "method": method_name(PaymentMethod(payload.method)),
            "day": payload.paid_on.isoformat(),
        },
    ]
    if payload.settled:
        months = _(", ").join(dict.fromkeys(period for period, _fen in payload.settled))
        lines.append(_("It pays for: %(months)s") % {"months": months})
    if payload.credit_fen:
        lines.append(
            _("Credit for later bills: ¥%(credit)s") % {"credit": yuan(payload.credit_fen)}
        )
    lines.append(_("Please keep this message as your receipt."))
    return Rendered("\n".join(lines))
