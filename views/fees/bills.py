"""💰 My bills as a resident reads it: which home, this month's bill with its breakdown, the
months still open, the total, credit, how to pay and past payments. Big buttons, one a row."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.fees.instructions import Instructions
from services.fees.statements import History, Home, Line, Statement
from views.fees import words
from views.fees.callbacks import BillsAct, BillsDo, BillsHome
from views.text import area, h

Keyboard = InlineKeyboardMarkup


def _button(text: str, do: BillsDo, household_id: int, page: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=BillsAct(a=do, h=household_id, p=page).pack()
    )


def choose_home(homes: Sequence[Home]) -> tuple[str, Keyboard]:
    rows = [
        [
            InlineKeyboardButton(
                text=f"{home.courtyard} {home.label}",
                callback_data=BillsHome(h=home.household_id).pack(),
            )
        ]
        for home in homes
    ]
    return _("💰 Which home's bills?"), InlineKeyboardMarkup(inline_keyboard=rows)


def no_home() -> str:
    return _(
        "💰 Bills are shown for the homes you belong to. Once your grid leader has approved "
        "you, they appear here."
    )


def breakdown(line: Line) -> list[str]:
    """78.50 m² × ¥0.50 = ¥39.25; 1 space × ¥40.00 = ¥40.00; vacant flat −50%."""
    out = [
        _("Property fee: %(area)s × ¥%(rate)s %(result)s")
        % {
            "area": area(line.area_centi_m2),
            "rate": words.rate(line.rate_per_m2),
            "result": words.exact_yuan(line.area_yuan),
        }
    ]
    if line.parking_spaces:
        out.append(
            _("Parking: %(spaces)s space(s) × %(fee)s = %(total)s")
            % {
                "spaces": line.parking_spaces,
                "fee": words.money(line.parking_fee_fen),
                "total": words.money(line.parking_fen),
            }
        )
    if line.adjustment_percent != 100:
        out.append(
            _("Adjustment: %(kind)s −%(off)s%%")
            % {
                "kind": h(words.adjustment(line.adjustment_kind)),
                "off": 100 - line.adjustment_percent,
            }
        )
    return out


def _paid_part(line: Line) -> str:
    if line.open_fen <= 0:
        return _("✅ paid")
    if line.paid_fen:
        return _("%(paid)s paid, %(open)s to pay") % {
            "paid": words.money(line.paid_fen),
            "open": words.money(line.open_fen),
        }
    return _("not paid yet")


def statement(found: Statement) -> tuple[str, Keyboard]:
    out = [f"<b>💰 {h(found.courtyard)} {h(found.label)}</b>"]
    line = found.current
    if line is None:
        out.append(_("No bills yet."))
    else:
        out.append(
            "\n"
            + _("<b>%(month)s: %(amount)s</b> (%(state)s)")
            % {
                "month": words.month(line.period),
                "amount": words.money(line.amount_fen),
                "state": _paid_part(line),
            }
        )
        out.extend(breakdown(line))
    if found.arrears:
        out.append("\n" + _("<b>Earlier months not yet paid</b>"))
        out.extend(
            _("%(month)s: %(amount)s")
            % {"month": words.month(a.period), "amount": words.money(a.open_fen)}
            + (
                " " + _("(of %(amount)s)") % {"amount": words.money(a.amount_fen)}
                if a.paid_fen
                else ""
            )
            for a in found.arrears
        )
    if found.owed_fen > 0:
        out.append(
            "\n" + _("<b>Total to pay: %(owed)s</b>") % {"owed": words.money(found.owed_fen)}
        )
    elif line is not None:
        out.append("\n" + _("✅ Everything is paid. Thank you!"))
    if found.credit_fen > 0:
        out.append(
            _("Credit: %(credit)s (used for your next bills)")
            % {"credit": words.money(found.credit_fen)}
        )
    return "\n".join(out), statement_keyboard(found.household_id)


def statement_keyboard(household_id: int) -> Keyboard:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("✅ I have paid"), BillsDo.PAID, household_id)],
            [_button(_("💳 How to pay"), BillsDo.HOW, household_id)],
            [_button(_("🧾 Past payments"), BillsDo.HISTORY, household_id)],
            [_button(_("↩ Back"), BillsDo.HOMES, household_id)],
        ]
    )


def history(found: History) -> tuple[str, Keyboard]:
    out = [_("<b>🧾 Past payments · %(home)s</b>") % {"home": h(found.label)}]
    if not found.rows:
        out.append(_("No payments recorded yet."))
    for row in found.rows:
        text = _("%(day)s · %(amount)s · %(method)s · receipt %(receipt)s") % {
            "day": words.day(row.paid_on),
            "amount": words.money(row.amount_fen),
            "method": words.method(row.method),
            "receipt": h(row.receipt_number),
        }
        out.append(f"<s>{text}</s> " + _("(taken back)") if row.reversed else text)
    rows: list[list[InlineKeyboardButton]] = []
    if found.pages > 1:
        pager = []
        if found.page > 0:
            pager.append(_button("◀", BillsDo.HISTORY, found.household_id, found.page - 1))
        pager.append(
            _button(
                f"{found.page + 1}/{found.pages}", BillsDo.HISTORY, found.household_id, found.page
            )
        )
        if found.page + 1 < found.pages:
            pager.append(_button("▶", BillsDo.HISTORY, found.household_id, found.page + 1))
        rows.append(pager)
    rows.append([_button(_("↩ Back"), BillsDo.BACK, found.household_id)])
    return "\n".join(out), InlineKeyboardMarkup(inline_keyboard=rows)


def how_to_pay_text(found: Instructions) -> str:
    """The courtyard's payment instructions (the QR code, if any, is sent as a photo first)."""
    out = [_("<b>💳 How to pay · %(courtyard)s</b>") % {"courtyard": h(found.courtyard)}]
    if found.empty:
        out.append(
            _(
                "Finance has not written the payment instructions yet. Please pay at the "
                "service center's office, or ask your grid leader."
            )
        )
    if found.details:
        out.append(h(found.details))
    out.append(
        "\n" + _("After paying, tap ✅ I have paid and send the screenshot of your transfer.")
    )
    return "\n".join(out)


def how_to_pay(found: Instructions, household_id: int) -> tuple[str, Keyboard]:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("✅ I have paid"), BillsDo.PAID, household_id)],
            [_button(_("↩ Back"), BillsDo.BACK, household_id)],
        ]
    )
    return how_to_pay_text(found), keyboard


def qr_caption(found: Instructions) -> str:
    return _("Scan to pay %(courtyard)s (WeChat / Alipay)") % {"courtyard": h(found.courtyard)}


def back_to_menu() -> str:
    return _("OK. The menu is below.")
