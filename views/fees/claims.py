""" "I have paid" as the resident goes through it (amount, method, screenshot), the card finance
confirms or rejects (the screenshot with two buttons), and the answer to a rejected claim."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import PaymentMethod
from services.fees.claim_notices import FeeClaimCard, FeeClaimRejected
from views.fees import words
from views.fees.callbacks import ClaimMethod, ClaimStop, Decide
from views.outbox import RenderContext, Rendered
from views.text import h

Keyboard = InlineKeyboardMarkup
SKIP = "skip"


def _cancel(what: str = "claim") -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=_("✖ Cancel"), callback_data=ClaimStop(what=what).pack())]


def ask_amount(home: str, owed_fen: int) -> tuple[str, Keyboard]:
    text = _(
        "✅ I have paid · %(home)s\n\nHow much did you pay? Please type the amount in yuan, "
        "for example 100 or 39.25."
    ) % {"home": h(home)}
    if owed_fen > 0:
        text += "\n" + _("Still to pay: %(owed)s") % {"owed": words.money(owed_fen)}
    return text, InlineKeyboardMarkup(inline_keyboard=[_cancel()])


def ask_method(amount_fen: int) -> tuple[str, Keyboard]:
    methods = [
        PaymentMethod.WECHAT,
        PaymentMethod.ALIPAY,
        PaymentMethod.BANK_TRANSFER,
        PaymentMethod.CASH,
        PaymentMethod.OTHER,
    ]
    rows = [
        [
            InlineKeyboardButton(
                text=words.method(m, title=True), callback_data=ClaimMethod(m=m.value).pack()
            )
        ]
        for m in methods
    ]
    rows.append([InlineKeyboardButton(text=_("➡ Skip"), callback_data=ClaimMethod(m=SKIP).pack())])
    rows.append(_cancel())
    text = _("%(amount)s. How did you pay?") % {"amount": words.money(amount_fen)}
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def ask_screenshot() -> tuple[str, Keyboard]:
    return (
        _("Please send the screenshot of your transfer as a photo 📷."),
        InlineKeyboardMarkup(inline_keyboard=[_cancel()]),
    )


def sent(amount_fen: int, told: int) -> str:
    text = _(
        "✅ Thank you! Your payment of %(amount)s has been passed to finance. You will get a "
        "receipt once they have checked it."
    ) % {"amount": words.money(amount_fen)}
    if not told:
        text += "\n" + _("(Finance is not on the bot yet; the service center will check it.)")
    return text


def cancelled() -> str:
    return _("Cancelled. Nothing was sent.")


def ask_reason(home: str, amount_fen: int) -> tuple[str, Keyboard]:
    return (
        _(
            "✖ Reject the payment of %(amount)s for %(home)s. Please type the reason; the "
            "resident will be told."
        )
        % {"amount": words.money(amount_fen), "home": h(home)},
        InlineKeyboardMarkup(inline_keyboard=[_cancel("reason")]),
    )


def card(payload: FeeClaimCard, _context: RenderContext) -> Rendered:
    lines = [
        _("<b>💰 Payment to confirm · %(courtyard)s</b>") % {"courtyard": h(payload.courtyard)},
        _("Home: %(home)s") % {"home": h(payload.household)},
        _("From: %(name)s") % {"name": h(payload.claimant)},
        _("Amount: <b>%(amount)s</b>") % {"amount": words.money(payload.amount_fen)}
        + (f" · {h(words.method(payload.method))}" if payload.method else ""),
        _("Reported on %(day)s") % {"day": words.day(payload.paid_on)},
        _("Please check that the money has arrived before confirming."),
    ]
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✅ Confirm and record"),
                    callback_data=Decide(c=payload.claim_id, ok=True).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=_("✖ Reject"), callback_data=Decide(c=payload.claim_id, ok=False).pack()
                )
            ],
        ]
    )
    return Rendered("\n".join(lines), keyboard, photo=payload.photo_file_id)


def rejected(payload: FeeClaimRejected, _context: RenderContext) -> Rendered:
    text = _(
        "✖ Finance could not confirm your payment of %(amount)s for %(home)s "
        "(reported on %(day)s).\nReason: %(reason)s\n— %(by)s\n\nIf you think this is a "
        "mistake, please come to the office, or send it again from 💰 My bills."
    ) % {
        "amount": words.money(payload.amount_fen),
        "home": h(payload.household),
        "day": words.day(payload.paid_on),
        "reason": h(payload.reason),
        "by": h(payload.by),
    }
    return Rendered(text)


def confirmed(receipt: str, amount_fen: int, home: str) -> str:
    return _(
        "✅ Recorded: receipt %(receipt)s, %(amount)s for %(home)s. The household has been told."
    ) % {"receipt": h(receipt), "amount": words.money(amount_fen), "home": h(home)}


def rejected_done(reason: str) -> str:
    return _("✖ Rejected. The resident will be told: %(reason)s") % {"reason": h(reason)}


def reason_cancelled() -> str:
    return _("OK, the payment is still waiting for a decision.")
