"""The steps of creating a vote, and its preview before it opens."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import VoteRule
from services.fees import money
from services.votes.drafting import MAX_OPTIONS, VoteDraft
from services.votes.rules import MATTERS
from views.text import h
from views.votes import words
from views.votes.callbacks import Draft

CLOSING_DAYS = (3, 7, 14)


def _row(*buttons: tuple[str, Draft]) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=t, callback_data=d.pack()) for t, d in buttons]


def _markup(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=list(rows))


def which_courtyard(yards: list[tuple[int, str]]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [_row((name, Draft(a="yard", n=c))) for c, name in yards]
    return _("🗳 New vote. Which courtyard?"), _markup(*rows)


def ask_title() -> str:
    return _("🗳 New vote. What is it about? Please type a short title (e.g. 物业服务方案选择).")


def ask_text() -> tuple[str, InlineKeyboardMarkup]:
    return _("Please type a few lines of explanation for residents, or skip."), _markup(
        _row((_("Skip"), Draft(a="notext")))
    )


def ask_option(number: int) -> str:
    return _("Option %(n)s: please type its text (e.g. 方案二：含 24 小时门卫).") % {"n": number}


def ask_plan(number: int) -> tuple[str, InlineKeyboardMarkup]:
    return _("Does option %(n)s come with a fee plan (a price per m² and per parking space)?") % {
        "n": number
    }, _markup(_row((_("Yes, with a price"), Draft(a="plan_yes")), (_("No"), Draft(a="plan_no"))))


def ask_rate() -> str:
    return _("Fee per m² per month in yuan (e.g. 0.45):")


def ask_fee() -> str:
    return _("Fee per parking space per month in yuan (e.g. 40; 0 if none):")


def ask_includes() -> tuple[str, InlineKeyboardMarkup]:
    return _("What does it include? One line (e.g. 24 小时门卫), or skip."), _markup(
        _row((_("Skip"), Draft(a="noinc")))
    )


def options_so_far(options: list[dict[str, Any]]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("Options so far:")] + [option_line(i + 1, o) for i, o in enumerate(options)]
    rows = []
    if len(options) < MAX_OPTIONS:
        rows.append(_row((_("➕ Another option"), Draft(a="more"))))
    rows.append(_row((_("✅ Options done"), Draft(a="done"))))
    return "\n".join(lines), _markup(*rows)


def option_line(position: int, option: dict[str, Any]) -> str:
    line = f"{position}. {h(option['text'])}"
    if option.get("rate") is not None:
        line += " · " + _("¥%(rate)s per m², ¥%(fee)s per parking space a month") % {
            "rate": words.rate(money.rate_per_m2(option["rate"])),
            "fee": words.yuan(money.parking_fee_fen(option.get("fee") or "0")),
        }
    if option.get("includes"):
        line += " · " + h(option["includes"])
    return line


def ask_scope(buildings: list[str], chosen: list[str]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [_row((_("🏘 The whole courtyard"), Draft(a="whole")))]
    rows += [
        _row((("✅ " if b in chosen else "") + b, Draft(a="bld", n=i)))
        for i, b in enumerate(buildings)
    ]
    if chosen:
        rows.append(_row((_("Done: these buildings"), Draft(a="scope_done"))))
    return _("Who votes? The whole courtyard, or tap buildings."), _markup(*rows)


def ask_rule() -> tuple[str, InlineKeyboardMarkup]:
    rows = [_row((_("Simple majority of households"), Draft(a="simple")))]
    rows += [_row((f"{n}. " + _(MATTERS[n]), Draft(a="m", n=n))) for n in MATTERS]
    return _(
        "Which rule counts? An everyday choice: simple majority. A matter of the Civil Code "
        "Art. 278 (e.g. 4: hiring the property service): counted by owners and by area."
    ), _markup(*rows)


def ask_closing() -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        _row(*((_("%(n)s days") % {"n": n}, Draft(a="days", n=n)) for n in CLOSING_DAYS)),
    ]
    return _(
        "When does voting close? Tap, or type a date and time (e.g. 2026-12-20 20:00)."
    ), _markup(*rows)


def preview(draft: VoteDraft, zone: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _("Please check the vote before it opens. Once open it cannot be changed."),
        f"<b>{h(draft.title)}</b>",
        h(draft.text) if draft.text else "",
    ]
    for i, option in enumerate(draft.options, start=1):
        lines.append(
            option_line(
                i,
                {
                    "text": option.text,
                    "rate": option.rate,
                    "fee": option.parking_fee,
                    "includes": option.includes,
                },
            )
        )
    scope = "、".join(draft.buildings) if draft.buildings else _("the whole courtyard")
    lines.append(_("Who votes: %(scope)s") % {"scope": h(scope)})
    lines.append(words.rule(draft.rule, draft.matter if draft.rule is VoteRule.ART278 else None))
    lines.append(_("Closes %(when)s.") % {"when": words.when(draft.closes_at, zone)})
    lines.append(_("Choices stay hidden until the close; residents see only how many voted."))
    return "\n".join(x for x in lines if x), _markup(
        _row((_("✅ Open the vote"), Draft(a="open"))), _row((_("✖ Discard"), Draft(a="drop")))
    )


def opened(vote_id: int, heads: int, area_centi: int) -> str:
    return _(
        "✅ Vote #%(id)s is open: %(heads)s voters, %(area)s m². Every household is being told, "
        "and the card is in the residents' group."
    ) % {"id": vote_id, "heads": heads, "area": words.area(area_centi)}


def dropped() -> str:
    return _("The draft is discarded.")
