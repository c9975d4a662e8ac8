"""The questions of a ticket step and their buttons: a reason, a day, a note, a photo, a
comment, a worker; each with a way out."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.tickets.claiming import Worker
from services.tickets.info import TicketInfo
from views.text import h
from views.tickets.callbacks import AssignTo, HoldFor, Skip

HOLD_CHOICES = (1, 3, 7)  # days from today offered as buttons


def _stop() -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=_("✖ Cancel"), callback_data=Skip(what="stop").pack())]


def stop_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_stop()])


def hold_days(ticket_id: int) -> tuple[str, InlineKeyboardMarkup]:
    def label(days: int) -> str:
        if days == 1:
            return _("Tomorrow")
        if days == 7:
            return _("In a week")
        return _("In %(n)s days") % {"n": days}

    rows = [
        [InlineKeyboardButton(text=label(d), callback_data=HoldFor(t=ticket_id, d=d).pack())]
        for d in HOLD_CHOICES
    ]
    return (
        _("Until when? Tap a day, or type a date like 2026-12-05."),
        InlineKeyboardMarkup(inline_keyboard=[*rows, _stop()]),
    )


def after_photo() -> tuple[str, InlineKeyboardMarkup]:
    skip = InlineKeyboardButton(text=_("⏭ Skip"), callback_data=Skip(what="after").pack())
    return (
        _("📷 Please send a photo of the fix, or tap Skip."),
        InlineKeyboardMarkup(inline_keyboard=[[skip], _stop()]),
    )


def comment() -> tuple[str, InlineKeyboardMarkup]:
    skip = InlineKeyboardButton(text=_("⏭ Skip"), callback_data=Skip(what="comment").pack())
    return (
        _("Anything to add? Send a short comment, or tap Skip."),
        InlineKeyboardMarkup(inline_keyboard=[[skip]]),
    )


def reopen_reason(info: TicketInfo) -> str:
    return _("↩️ What is still wrong with %(number)s? A few words for %(name)s.") % {
        "number": h(info.number),
        "name": h(info.assignee or ""),
    }


def workers(
    number: str, ticket_id: int, found: Sequence[Worker]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [InlineKeyboardButton(text=w.name, callback_data=AssignTo(t=ticket_id, u=w.user_id).pack())]
        for w in found
    ]
    return (
        _("Give %(number)s to which worker?") % {"number": h(number)},
        InlineKeyboardMarkup(inline_keyboard=rows),
    )
