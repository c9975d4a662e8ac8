"""Finance setting a courtyard's payment instructions: which courtyard, what residents see now,
then text and a QR photo sent in any order, and ✅ Done."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.courtyards import CourtyardInfo
from services.fees.instructions import Instructions
from views.fees.callbacks import SetupCourtyard, SetupDo, SetupStep
from views.text import h

Keyboard = InlineKeyboardMarkup


def choose_courtyard(found: Sequence[CourtyardInfo]) -> tuple[str, Keyboard]:
    rows = [
        [InlineKeyboardButton(text=c.name, callback_data=SetupCourtyard(c=c.id).pack())]
        for c in found
    ]
    return _("🏦 Payment instructions of which courtyard?"), InlineKeyboardMarkup(
        inline_keyboard=rows
    )


def keyboard(found: Instructions) -> Keyboard:
    rows = [
        [
            InlineKeyboardButton(
                text=_("✅ Done"),
                callback_data=SetupStep(a=SetupDo.DONE, c=found.courtyard_id).pack(),
            )
        ]
    ]
    if found.qr_file_id:
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("🗑 Remove the QR code"),
                    callback_data=SetupStep(a=SetupDo.CLEAR_QR, c=found.courtyard_id).pack(),
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def setup(found: Instructions) -> tuple[str, Keyboard]:
    details = h(found.details) if found.details else _("(no text yet)")
    qr = _("set") if found.qr_file_id else _("not set")
    text = "\n".join(
        [
            _("<b>🏦 Payment instructions · %(courtyard)s</b>") % {"courtyard": h(found.courtyard)},
            _("Text residents see now:"),
            details,
            _("QR code: %(state)s") % {"state": qr},
            "",
            _(
                "Send the text residents should see (bank account, office hours and place), "
                "or send the WeChat/Alipay QR code as a photo. Tap ✅ Done when finished."
            ),
        ]
    )
    return text, keyboard(found)


def saved_text(found: Instructions) -> tuple[str, Keyboard]:
    return _("Saved the text. Send more, or tap ✅ Done."), keyboard(found)


def saved_qr(found: Instructions) -> tuple[str, Keyboard]:
    return _("Saved the QR code. Send more, or tap ✅ Done."), keyboard(found)


def cleared_qr(found: Instructions) -> tuple[str, Keyboard]:
    return _("The QR code is removed."), keyboard(found)


def done() -> str:
    return _("✅ Saved. This is what residents see under 💳 How to pay:")


def text_or_photo() -> str:
    return _("Please send text or a photo, or tap ✅ Done.")
