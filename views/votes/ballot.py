"""The resident's ballot in the private chat: which home, each option with its price for this
household, the confirmation, the receipt."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from services.votes import receipts
from services.votes.prices import Price
from services.votes.queries import Home, OptionView, VoteView
from views.text import h
from views.votes import words
from views.votes.callbacks import Choose, Confirm, OpenBallot


def _button(text: str, data: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=text, callback_data=data)]


def which_home(vote: VoteView, homes: list[Home]) -> tuple[str, InlineKeyboardMarkup]:
    text = _("🗳 <b>%(title)s</b>\nWhich home are you voting for?") % {"title": h(vote.title)}
    rows = [
        _button(home.label, OpenBallot(v=vote.id, h=home.household_id).pack()) for home in homes
    ]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def price_line(price: Price) -> str:
    spaces = ""
    if price.spaces and price.parking_fee_fen:  # a plan without a parking fee: no "× 0"
        spaces = ngettext(
            " + %(n)s parking space × %(fee)s", " + %(n)s parking spaces × %(fee)s", price.spaces
        ) % {"n": price.spaces, "fee": words.yuan(price.parking_fee_fen).removesuffix(".00")}
    line = _("¥%(total)s a month (%(area)s m² × %(rate)s%(spaces)s)") % {
        "total": words.yuan(price.monthly_fen),
        "area": words.area(price.area_centi_m2),
        "rate": words.rate(price.rate_per_m2),
        "spaces": spaces,
    }
    if price.more_than_first_fen:
        diff = price.more_than_first_fen
        line += (
            _(", ¥%(diff)s more than option 1") if diff > 0 else _(", ¥%(diff)s less than option 1")
        ) % {"diff": words.yuan(abs(diff))}
    return line


def ballot(
    vote: VoteView, home: Home, options: list[OptionView], prices: list[Price], zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    by_position = {p.position: p for p in prices}
    lines = [
        _("🗳 <b>%(title)s</b>") % {"title": h(vote.title)},
        h(vote.text) if vote.text else "",
        words.rule(vote.rule, vote.matter),
        _("Closes %(when)s.") % {"when": words.when(vote.closes_at, zone)},
        _("Your home: %(home)s, %(area)s m²")
        % {"home": h(home.label), "area": words.area(home.area_centi_m2)},
    ]
    for option in options:
        entry = f"<b>{option.position}. {h(option.text)}</b>"
        if option.includes:
            entry += "\n" + _("Includes: %(what)s") % {"what": h(option.includes)}
        if option.position in by_position:
            entry += "\n" + price_line(by_position[option.position])
        lines.append(entry)
    lines.append(_("Choose one:"))
    rows = [
        _button(
            f"{o.position}. {o.text[:40]}",
            Choose(v=vote.id, h=home.household_id, o=o.position).pack(),
        )
        for o in options
    ]
    return "\n\n".join(x for x in lines if x), InlineKeyboardMarkup(inline_keyboard=rows)


def confirm(
    vote: VoteView, home: Home, option: OptionView, price: Price | None
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _("You chose <b>%(n)s. %(text)s</b> for %(home)s.")
        % {"n": option.position, "text": h(option.text), "home": h(home.label)}
    ]
    if price is not None:
        lines.append(_("With it your home pays %(price)s.") % {"price": price_line(price)})
    lines.append(
        _("You may change it until the vote closes.")
        if vote.allow_change
        else _("A ballot cannot be changed once cast.")
    )
    rows = [
        _button(
            _("✅ Cast my ballot"),
            Confirm(v=vote.id, h=home.household_id, o=option.position).pack(),
        ),
        _button(_("↩ Choose again"), OpenBallot(v=vote.id, h=home.household_id).pack()),
    ]
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def receipt(code: str, counted: bool, changed: bool, position: int) -> str:
    if not counted:
        return _(
            "Your household already had a ballot (receipt %(code)s, option %(n)s); it stands and "
            "this one was not counted. Your grid leader has been told."
        ) % {"code": receipts.shown(code), "n": position}
    head = _("✅ Your choice is changed.") if changed else _("✅ Your ballot is cast.")
    return (
        head
        + "\n"
        + _("Receipt: <b>%(code)s</b>. Keep it: you can find it in the published result.")
        % {"code": receipts.shown(code)}
    )


def already(home: Home) -> str:
    return _("Your household has already voted (receipt %(code)s).") % {
        "code": receipts.shown(home.receipt or "")
    }


def nothing_open() -> str:
    return _("There is no open vote for your household right now.")


def open_votes(votes: list[VoteView], zone: ZoneInfo) -> tuple[str, InlineKeyboardMarkup]:
    rows = [_button(f"🗳 {v.title[:50]}", OpenBallot(v=v.id).pack()) for v in votes]
    lines = [_("🗳 Open votes:")] + [
        _("%(title)s: closes %(when)s")
        % {"title": h(v.title), "when": words.when(v.closes_at, zone)}
        for v in votes
    ]
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)
