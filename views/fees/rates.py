"""Collection rates (收费率) as staff and groups read them: every figure names its definition
("按户数 41/45 = 91.11%", "按金额 ¥… / ¥… = …%"), the current month apart from arrears, the
period switch, the chart, and the list of households owing (staff, in private only).

Percentages come from the exact Decimal through services.fees.money.percent, the one
formatter the terminal's report uses too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.fees import periods
from services.fees.arrears import OwingPage
from services.fees.collection import DEFINITIONS, Collection
from services.fees.money import percent, yuan
from views.fees.finance_callbacks import OwingList, RatesView
from views.text import h

COURTYARDS_PER_PAGE = 8


@dataclass(frozen=True)
class RatesScreen:
    """What a staff screen shows: the rows of one page of courtyards (and the total row of
    all of them when there are several), and who may open which list of households."""

    period: str
    current_period: str  # the month it is now (no switching past the next one)
    rows: Sequence[Collection]  # this page's courtyards
    total: Collection | None  # every courtyard asked for together; None for one courtyard
    courtyard: int  # 0: every courtyard the viewer reads
    page: int
    pages: int
    listable: Sequence[tuple[int, str]]  # (courtyard id, name) whose owing list the viewer sees


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def _by_households(row: Collection) -> str:
    return _("By households: %(paid)s/%(billed)s = %(rate)s") % {
        "paid": row.households_paid,
        "billed": row.households_billed,
        "rate": percent(row.rate_by_households),
    }


def _by_amount(row: Collection) -> str:
    return _("By amount: ¥%(received)s / ¥%(due)s = %(rate)s") % {
        "received": yuan(row.received_fen),
        "due": yuan(row.due_fen),
        "rate": percent(row.rate_by_amount),
    }


def _arrears(row: Collection) -> str:
    return _(
        "Arrears: ¥%(due)s owed for earlier months at the start of the month, "
        "¥%(received)s of it recovered during the month"
    ) % {"due": yuan(row.arrears_due_fen), "received": yuan(row.arrears_received_fen)}


def block(row: Collection, name: str) -> list[str]:
    """One courtyard's (or the total's) figures: the month, then its arrears."""
    lines = [f"<b>{h(name)}</b>"]
    if row.households_billed == 0 and row.due_fen == 0:
        lines.append(_("Nothing billed for %(period)s.") % {"period": row.period})
    else:
        lines.append(_("This month (%(period)s):") % {"period": row.period})
        lines.append("· " + _by_households(row))
        lines.append("· " + _by_amount(row))
    lines.append("· " + _arrears(row))  # always apart from the month, even when nothing
    return lines


def definitions() -> list[str]:
    return [_("What the figures mean:"), *(f"· {_(text)}" for text in DEFINITIONS.values())]


def staff_text(screen: RatesScreen) -> str:
    lines = [_("📊 Collection rates · %(period)s") % {"period": screen.period}]
    for row in screen.rows:
        lines += ["", *block(row, row.courtyard)]
    if screen.total is not None:
        lines += ["", *block(screen.total, _("All these courtyards"))]
    if screen.pages > 1:
        lines += [
            "",
            _("Page %(page)s of %(pages)s") % {"page": screen.page + 1, "pages": screen.pages},
        ]
    lines += ["", *definitions()]
    return "\n".join(lines)


def staff_keyboard(screen: RatesScreen) -> InlineKeyboardMarkup:
    def view(period: str, page: int = 0, action: str = "show") -> str:
        return RatesView(c=screen.courtyard, p=period, n=page, a=action).pack()

    switch = [_button(_("◀ Last month"), view(periods.shift(screen.period, -1)))]
    if screen.period < periods.shift(screen.current_period, 1):
        switch.append(_button(_("Next month ▶"), view(periods.shift(screen.period, 1))))
    rows = [switch]
    if screen.pages > 1:
        pager = []
        if screen.page > 0:
            pager.append(_button(_("◀ Previous"), view(screen.period, screen.page - 1)))
        if screen.page < screen.pages - 1:
            pager.append(_button(_("Next ▶"), view(screen.period, screen.page + 1)))
        rows.append(pager)
    rows.append([_button(_("🖼 Chart"), view(screen.period, screen.page, "chart"))])
    for courtyard_id, name in screen.listable:
        label = (
            _("📋 Households owing")
            if len(screen.listable) == 1
            else (_("📋 Households owing · %(courtyard)s") % {"courtyard": name})
        )
        rows.append([_button(label, OwingList(c=courtyard_id, p=screen.period).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def chart_title(period: str) -> str:
    return _("Collection rates %(period)s") % {"period": period}


def series_names() -> tuple[str, str]:
    return _("by households"), _("by amount")


def chart_caption(period: str) -> str:
    return _(
        "Collection rates %(period)s: by households (paid in full ÷ billed) and by amount "
        "(received ÷ due)."
    ) % {"period": period}


def group_text(row: Collection, name: str) -> str:
    """For a courtyard's group chat: the aggregate rates only, never who has not paid."""
    lines = [
        _("📊 %(courtyard)s · collection rates %(period)s")
        % {"courtyard": h(name), "period": row.period}
    ]
    if row.households_billed == 0:
        lines.append(_("Nothing billed for %(period)s.") % {"period": row.period})
    else:
        lines.append(_by_households(row))
        lines.append(
            _("By amount: %(rate)s of what is due was received")
            % {"rate": percent(row.rate_by_amount)}
        )
    lines += ["", *definitions()[:3]]
    lines.append(_("Only the overall rates are shown here, never single households."))
    return "\n".join(lines)


def owing_text(found: OwingPage, courtyard: str) -> str:
    lines = [
        _("📋 %(courtyard)s: households owing (months up to %(period)s)")
        % {"courtyard": h(courtyard), "period": found.up_to},
    ]
    if not found.households:
        lines.append(_("Nobody owes anything. 👏"))
        return "\n".join(lines)
    lines.append(
        _("%(count)s households, ¥%(total)s in all")
        % {"count": found.households, "total": yuan(found.total_fen)}
    )
    lines.append("")
    lines.extend(
        _("%(room)s · %(months)s month(s) · ¥%(amount)s (since %(oldest)s)")
        % {
            "room": h(row.label),
            "months": row.months,
            "amount": yuan(row.open_fen),
            "oldest": row.oldest,
        }
        for row in found.rows
    )
    if found.pages > 1:
        lines += [
            "",
            _("Page %(page)s of %(pages)s") % {"page": found.page + 1, "pages": found.pages},
        ]
    lines.append(_("For staff only: please do not forward this list to a group."))
    return "\n".join(lines)


def owing_keyboard(found: OwingPage) -> InlineKeyboardMarkup | None:
    def page(n: int) -> str:
        return OwingList(c=found.courtyard_id, p=found.up_to, n=n).pack()

    pager = []
    if found.page > 0:
        pager.append(_button(_("◀ Previous"), page(found.page - 1)))
    if found.page < found.pages - 1:
        pager.append(_button(_("Next ▶"), page(found.page + 1)))
    return InlineKeyboardMarkup(inline_keyboard=[pager]) if pager else None
