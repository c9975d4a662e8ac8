"""Adjustments (减免) as finance enters them: which kind, what share of the fee the household
pays, why, from which month, the check before saving and the answer."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import AdjustmentKind
from services.fees.adjustments import AdjustmentInfo
from views.fees.finance_callbacks import AdjustStep
from views.fees.finance_words import adjustment_name
from views.text import h

Question = tuple[str, InlineKeyboardMarkup | None]


def _button(text: str, step: AdjustStep) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=step.pack())


def _markup(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[*rows, [_button(_("✖ Cancel"), AdjustStep(a="cancel"))]]
    )


def ask_kind(household: str, earlier: Sequence[AdjustmentInfo] = ()) -> Question:
    lines = [_("🏷 Adjustment for %(household)s.") % {"household": h(household)}]
    if earlier:
        lines.append(_("Adjustments so far (the newest applies):"))
        lines.extend(
            "· "
            + _("from %(period)s: %(kind)s, pays %(percent)s%%, %(reason)s")
            % {
                "period": a.from_period,
                "percent": a.percent,
                "kind": adjustment_name(a.kind),
                "reason": h(a.reason),
            }
            for a in earlier
        )
    lines.append(_("Which kind?"))
    text = "\n".join(lines)
    rows = [[_button(adjustment_name(k), AdjustStep(a="kind", v=k.value))] for k in AdjustmentKind]
    return text, _markup(*rows)


def ask_percent(kind: AdjustmentKind) -> Question:
    text = _(
        "%(kind)s: what percentage of the fee does the household pay? A whole number from 0 to "
        "100, e.g. 50."
    ) % {"kind": adjustment_name(kind)}
    return text, _markup()


def ask_reason() -> Question:
    return _("Why? Please write the reason (required), e.g. 低保证 No. 1234."), _markup()


def ask_from(this_month: str, next_month: str) -> Question:
    text = _("From which month? Tap one, or write it as YYYY-MM.")
    rows = [
        [
            _button(this_month, AdjustStep(a="use", v=this_month)),
            _button(next_month, AdjustStep(a="use", v=next_month)),
        ]
    ]
    return text, _markup(*rows)


def confirmation(
    household: str, kind: AdjustmentKind, percent: int, reason: str, start: str
) -> Question:
    text = _(
        "Please check:\n"
        "Household: %(household)s\n"
        "Kind: %(kind)s\n"
        "Pays: %(percent)s%% of the fee\n"
        "Reason: %(reason)s\n"
        "From: %(period)s (bills issued from then on)"
    ) % {
        "household": h(household),
        "kind": adjustment_name(kind),
        "percent": percent,
        "reason": h(reason),
        "period": start,
    }
    return text, _markup([_button(_("✅ Save the adjustment"), AdjustStep(a="ok"))])


def saved(info: AdjustmentInfo, household: str) -> str:
    return _(
        "✅ Saved: from %(period)s %(household)s pays %(percent)s%% of the fee (%(kind)s)."
    ) % {
        "period": info.from_period,
        "household": h(household),
        "percent": info.percent,
        "kind": adjustment_name(info.kind),
    }
