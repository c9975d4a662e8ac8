"""The composer's questions, step by step, with big plain buttons; the preview question and
what the author is told once it is sent or withdrawn."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.notices.compose import MAX_CAPTION, MAX_TEXT
from services.notices.scopes import Building
from views.notices.callbacks import ComposeStep, NoticeAction, Step
from views.notices.card import when
from views.text import building, h

Question = tuple[str, InlineKeyboardMarkup]


def _button(text: str, answer: str, index: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=ComposeStep(a=answer, i=index).pack())


def _cancel() -> list[InlineKeyboardButton]:
    return [_button(_("✖ Cancel"), "cancel")]


def _rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int = 2
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def courtyards(choices: Sequence[tuple[int, str]], chosen: Collection[int]) -> Question:
    marks = [
        _button(("☑ " if cid in chosen else "☐ ") + name, "yard", index)
        for index, (cid, name) in enumerate(choices)
    ]
    every = _button(_("All courtyards"), "allyards")
    done = _button(_("✅ Next"), "yards")
    text = _("📢 New notice. Which courtyards is it for? Tap to choose, then ✅ Next.")
    return text, InlineKeyboardMarkup(inline_keyboard=[*_rows(marks), [every, done], _cancel()])


def ask_content(courtyards: Sequence[str]) -> Question:
    text = _(
        "📢 New notice for %(courtyards)s.\n"
        "Please send the words of the notice (up to %(text)s characters), or a photo or a "
        "PDF file with the words as its caption (up to %(caption)s characters)."
    ) % {"courtyards": h("、".join(courtyards)), "text": MAX_TEXT, "caption": MAX_CAPTION}
    return text, InlineKeyboardMarkup(inline_keyboard=[_cancel()])


def ask_scope() -> Question:
    text = _("Who is it for?")
    rows = [
        [_button(_("🏘 The whole courtyard"), "all")],
        [_button(_("🏢 Some buildings"), "buildings"), _button(_("🚪 Some units"), "units")],
        _cancel(),
    ]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _households(count: int) -> str:
    return _("%(count)s households") % {"count": count}


def ask_buildings(found: Sequence[Building], chosen: Collection[str]) -> Question:
    marks = [
        _button(
            ("☑ " if b.name in chosen else "☐ ")
            + f"{building(b.name)} ({_households(b.households)})",
            "b",
            index,
        )
        for index, b in enumerate(found)
    ]
    text = _("Which buildings? Tap to choose, then ✅ Done.")
    done = [_button(_("✅ Done"), "placed")]
    return text, InlineKeyboardMarkup(inline_keyboard=[*_rows(marks), done, _cancel()])


def unit_choices(found: Sequence[Building]) -> list[tuple[str, str, int]]:
    return [(b.name, unit, count) for b in found for unit, count in b.units]


def ask_units(found: Sequence[Building], chosen: Collection[tuple[str, str]]) -> Question:
    marks = [
        _button(
            ("☑ " if (b, u) in chosen else "☐ ")
            + f"{building(b)} {u or _('(no unit)')} ({_households(count)})",
            "u",
            index,
        )
        for index, (b, u, count) in enumerate(unit_choices(found))
    ]
    text = _("Which units? Tap to choose, then ✅ Done.")
    done = [_button(_("✅ Done"), "placed")]
    return text, InlineKeyboardMarkup(inline_keyboard=[*_rows(marks), done, _cancel()])


def ask_urgency() -> Question:
    rows = [
        [_button(_("Normal"), "normal"), _button(_("🔴 Urgent"), "urgent")],
        _cancel(),
    ]
    text = _(
        "Normal or urgent?\n"
        "Urgent notices go out at once even at night, and are pinned in the residents' group."
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def ask_when() -> Question:
    rows = [
        [_button(_("📤 Send now"), "now"), _button(_("🕗 Send later"), "later")],
        _cancel(),
    ]
    return _("When should it go out?"), InlineKeyboardMarkup(inline_keyboard=rows)


def ask_time() -> Question:
    text = _("Please type the time to send it, like 12-03 08:00 (or only 08:00 for today).")
    return text, InlineKeyboardMarkup(inline_keyboard=[_cancel()])


def ask_ack() -> Question:
    rows = [
        [_button(_("✅ Yes, ask to confirm"), "ack"), _button(_("No, not needed"), "noack")],
        _cancel(),
    ]
    text = _("Should residents confirm with a ✅ Received button? You will then see who confirmed.")
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


DEADLINE_DAYS = (1, 3, 7)


def ask_deadline() -> Question:
    days = [_button(_("Within %(n)s days") % {"n": d}, "days", d) for d in DEADLINE_DAYS]
    text = _("By when? Tap one, or type a time like 12-05 18:00.")
    return text, InlineKeyboardMarkup(inline_keyboard=[days, _cancel()])


def ask_send(notice_id: int, households: int, people: int, unreachable: int, ack: bool) -> Question:
    lines = [
        _("👆 This is how residents will see it."),
        _("It goes to %(households)s, %(people)s on Telegram, and the residents' group.")
        % {
            "households": _households(households),
            "people": _("%(count)s people") % {"count": people},
        },
    ]
    if ack:
        lines.append(_("Under it they will see a ✅ Received button."))
    if unreachable:
        lines.append(
            _(
                "%(households)s cannot be reached on Telegram: they go on your visit list "
                "to be told in person."
            )
            % {"households": _households(unreachable)}
        )
    lines.append(_("Send it?"))
    rows = [
        [
            InlineKeyboardButton(
                text=_("📤 Send"), callback_data=Step(a=NoticeAction.SEND, n=notice_id).pack()
            ),
            InlineKeyboardButton(
                text=_("✖ Cancel"), callback_data=Step(a=NoticeAction.DISCARD, n=notice_id).pack()
            ),
        ]
    ]
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def scheduled(
    notice_id: int, goes_out_at: datetime, now: datetime, zone: ZoneInfo, *, later: bool
) -> Question:
    if later:
        text = _("🕗 It will go out at %(time)s. Until then you can withdraw it.") % {
            "time": when(goes_out_at, zone)
        }
    else:
        text = _("📤 It goes out in one minute. Until then you can withdraw it.")
    button = InlineKeyboardButton(
        text=_("↩ Withdraw"), callback_data=Step(a=NoticeAction.WITHDRAW, n=notice_id).pack()
    )
    return text, InlineKeyboardMarkup(inline_keyboard=[[button]])


def withdrawn() -> str:
    return _("↩ Withdrawn. The notice was not sent.")


def discarded() -> str:
    return _("Cancelled. Nothing was sent.")


def use_buttons() -> str:
    return _("Please use the buttons above, or tap ✖ Cancel.")
