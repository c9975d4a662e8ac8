"""The organizer's steps: a paper or proxy ballot (channel, option, proxy's name, photo of
the signed ballot) and closing early with a reason."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.votes import receipts
from services.votes.queries import OptionView
from views.text import h
from views.votes import words
from views.votes.callbacks import Paper

NO_PHOTO = "vnp"


def _row(text: str, data: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=text, callback_data=data)]


def paper_channel(vote_id: int, household_id: int, label: str) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        _row(_("📝 Paper ballot"), Paper(v=vote_id, h=household_id, ch="paper").pack()),
        _row(_("🤝 By proxy"), Paper(v=vote_id, h=household_id, ch="proxy").pack()),
        _row(_("🗣 In person, told to me"), Paper(v=vote_id, h=household_id, ch="in_person").pack()),
    ]
    return _("Ballot of %(home)s: how was it given?") % {"home": h(label)}, InlineKeyboardMarkup(
        inline_keyboard=rows
    )


def paper_option(
    vote_id: int, household_id: int, label: str, channel: str, options: list[OptionView]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        _row(
            f"{o.position}. {o.text[:40]}",
            Paper(v=vote_id, h=household_id, ch=channel, o=o.position).pack(),
        )
        for o in options
    ]
    text = _("Ballot of %(home)s (%(channel)s): which option did they choose?") % {
        "home": h(label),
        "channel": str(words.CHANNELS[channel]),
    }
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def ask_proxy(label: str) -> str:
    return _("Who voted for %(home)s as proxy? Please type their name.") % {"home": h(label)}


def ask_photo(required: bool) -> tuple[str, InlineKeyboardMarkup | None]:
    if required:
        return _("Please send a photo of the signed ballot (needed for an Art. 278 vote)."), None
    return _("Please send a photo of the signed ballot, or skip."), InlineKeyboardMarkup(
        inline_keyboard=[_row(_("Skip the photo"), NO_PHOTO)]
    )


def entered(label: str, counted: bool, code: str, position: int) -> str:
    if not counted:
        return _(
            "⚠️ %(home)s had already voted (receipt %(code)s, option %(n)s): that ballot stands; "
            "this one was kept aside as a conflict."
        ) % {"home": h(label), "code": receipts.shown(code), "n": position}
    return _("✅ Ballot of %(home)s recorded: option %(n)s. Receipt %(code)s.") % {
        "home": h(label),
        "n": position,
        "code": receipts.shown(code),
    }


def ask_close_reason(title: str) -> str:
    return _(
        "Closing %(title)s early. Please type the reason (it is published with the result)."
    ) % {"title": h(title)}


def closed(title: str, outcome: str) -> str:
    return _("⏹ %(title)s is closed: %(outcome)s. Everyone is being told the result.") % {
        "title": h(title),
        "outcome": str(words.OUTCOMES[outcome]),
    }


def adopt_usage() -> str:
    return _("Please write the vote's number and the first month, e.g. /adopt 3 2027-01")


def adopted(name: str, period: str, rate_per_m2: int, parking_fee_fen: int) -> str:
    return _(
        "✅ Plan %(name)s is the courtyard's fee plan from %(period)s: ¥%(rate)s per m², "
        "¥%(fee)s per parking space a month."
    ) % {
        "name": h(name),
        "period": period,
        "rate": words.rate(rate_per_m2),
        "fee": words.yuan(parking_fee_fen),
    }
