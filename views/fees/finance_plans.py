"""Fee plans as finance sees them: the list (rates, from which month, billed or not), the
steps of a new plan, its preview and the answer once it is saved."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.fees import money
from services.fees.plans import PlanInfo, PlanRow
from views.fees.finance_callbacks import PlanStep
from views.text import h

Question = tuple[str, InlineKeyboardMarkup | None]


def _button(text: str, step: PlanStep) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=step.pack())


def _cancel() -> list[InlineKeyboardButton]:
    return [_button(_("✖ Cancel"), PlanStep(a="cancel"))]


def _terms(plan: PlanInfo) -> str:
    return _("¥%(rate)s per m² per month, ¥%(parking)s per parking space per month") % {
        "rate": money.rate_text(plan.rate_per_m2),
        "parking": money.yuan(plan.parking_fee_fen),
    }


def listing(
    courtyard: str, rows: Sequence[PlanRow], *, courtyard_id: int, can_add: bool
) -> Question:
    lines = [_("📐 Fee plans of %(courtyard)s") % {"courtyard": h(courtyard)}]
    if not rows:
        lines.append(_("No fee plan yet."))
    for row in rows:
        state = _("billed") if row.billed else _("not billed yet")
        lines.append(
            _("· from %(period)s: %(name)s, %(terms)s (%(state)s)")
            % {
                "period": row.plan.from_period,
                "name": h(row.plan.name),
                "terms": _terms(row.plan),
                "state": state,
            }
        )
    lines.append(
        _("A plan is never changed once billed: a new plan takes over from a later month.")
    )
    keyboard = None
    if can_add:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[_button(_("➕ New plan"), PlanStep(a="new", c=courtyard_id))]]
        )
    return "\n".join(lines), keyboard


def ask_name(courtyard: str) -> Question:
    text = _(
        "➕ New fee plan for %(courtyard)s.\nStep 1 of 4: what is the plan called? (e.g. 基础服务)"
    )
    return text % {"courtyard": h(courtyard)}, InlineKeyboardMarkup(inline_keyboard=[_cancel()])


def ask_rate() -> Question:
    return (
        _("Step 2 of 4: the fee per m² per month, in yuan (e.g. 0.50)."),
        InlineKeyboardMarkup(inline_keyboard=[_cancel()]),
    )


def ask_parking() -> Question:
    return (
        _("Step 3 of 4: the fee per parking space per month, in yuan (e.g. 40; 0 if none)."),
        InlineKeyboardMarkup(inline_keyboard=[_cancel()]),
    )


def ask_from(earliest: str) -> Question:
    text = _(
        "Step 4 of 4: from which month does it apply? Write YYYY-MM, or tap the earliest "
        "month possible."
    )
    rows = [[_button(earliest, PlanStep(a="use", v=earliest))], _cancel()]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def preview(courtyard: str, name: str, rate: int, parking_fen: int, from_period: str) -> Question:
    text = _(
        "Please check the new plan:\n"
        "Courtyard: %(courtyard)s\n"
        "Name: %(name)s\n"
        "Fee per m² per month: ¥%(rate)s\n"
        "Fee per parking space per month: ¥%(parking)s\n"
        "From: %(period)s\n"
        "Once a month is billed with it, it cannot be changed."
    ) % {
        "courtyard": h(courtyard),
        "name": h(name),
        "rate": money.rate_text(rate),
        "parking": money.yuan(parking_fen),
        "period": from_period,
    }
    rows = [[_button(_("✅ Save the plan"), PlanStep(a="ok"))], _cancel()]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def saved(plan: PlanInfo, courtyard: str) -> str:
    return _("✅ Plan %(name)s saved for %(courtyard)s from %(period)s: %(terms)s.") % {
        "name": h(plan.name),
        "courtyard": h(courtyard),
        "period": plan.from_period,
        "terms": _terms(plan),
    }
