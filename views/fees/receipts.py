"""The receipt message the household's members get after a payment is recorded."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from services.fees.receipts import FeeReceipt
from views.fees import words
from views.outbox import RenderContext, Rendered
from views.text import h


def receipt(payload: FeeReceipt, _context: RenderContext) -> Rendered:
    lines = [
        _("<b>🧾 Receipt %(receipt)s · %(courtyard)s</b>")
        % {"receipt": h(payload.receipt_number), "courtyard": h(payload.courtyard)},
        _("Home: %(home)s") % {"home": h(payload.household)},
        _("Received: <b>%(amount)s</b> · %(method)s · %(day)s")
        % {
            "amount": words.money(payload.amount_fen),
            "method": h(words.method(payload.method)),
            "day": words.day(payload.paid_on),
        },
    ]
    if payload.settled:
        lines.append(
            _("Paid for: %(months)s")
            % {
                "months": _(", ").join(
                    f"{words.month(period)} {words.money(fen)}" for period, fen in payload.settled
                )
            }
        )
    if payload.still_due_fen > 0:
        lines.append(_("Still to pay: %(due)s") % {"due": words.money(payload.still_due_fen)})
    else:
        lines.append(_("✅ Nothing more to pay."))
    if payload.credit_fen > 0:
        lines.append(
            _("Credit: %(credit)s (used for your next bills)")
            % {"credit": words.money(payload.credit_fen)}
        )
    lines.append(_("Thank you!"))
    return Rendered("\n".join(lines))
