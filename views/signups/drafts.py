"""The grid leader's steps to create an event: title, place, day, times, then a preview."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.signups.schedule import PlannedSlot
from views.signups import words
from views.signups.callbacks import DraftStep
from views.text import h

Screen = tuple[str, InlineKeyboardMarkup | None]


def _cancel_only() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("✖️ Stop"), callback_data=DraftStep(a="cancel").pack())]
        ]
    )


def ask_courtyard() -> str:
    return _("📅 New event. For which courtyard?")


def ask_title(courtyard: str) -> Screen:
    return (
        _(
            "📅 New event for %(courtyard)s (step 1 of 4)\n"
            "What is it called?\nFor example: 公交卡年审"
        )
        % {"courtyard": h(courtyard)},
        _cancel_only(),
    )


def ask_place() -> Screen:
    return _("Step 2 of 4: where is it?\nFor example: 社区活动室"), _cancel_only()


def ask_day() -> Screen:
    return _(
        "Step 3 of 4: which day?\nFor example: 12-06, 12月6日 or 明天 (tomorrow)"
    ), _cancel_only()


def ask_slots() -> Screen:
    return (
        _(
            "Step 4 of 4: the times, and how many people each.\n"
            "For example:\n"
            "<code>9:00-11:00 每15分钟 5人</code>\n"
            "(from 9:00 to 11:00, a time every 15 minutes, 5 people each)\n"
            "Or one time a line:\n"
            "<code>14:00-15:00 10人</code>"
        ),
        _cancel_only(),
    )


def preview(
    courtyard: str, title: str, place: str, slots: Sequence[PlannedSlot], zone: ZoneInfo
) -> Screen:
    starts = " ".join(words.clock_time(s.starts_at, zone) for s in slots)
    sizes = sorted({s.capacity for s in slots})
    text = "\n".join(
        [
            _("Please check:"),
            f"<b>{h(title)}</b>",
            _("📍 Place: %(place)s") % {"place": h(place)},
            _("🗓 When: %(when)s")
            % {"when": words.when(slots[0].starts_at, slots[-1].ends_at, zone)},
            _("Times: %(count)s, %(places)s places in all")
            % {"count": len(slots), "places": sum(s.capacity for s in slots)},
            _("Starting at %(starts)s (%(sizes)s people each)")
            % {"starts": starts, "sizes": "/".join(str(n) for n in sizes)},
            "",
            _(
                "Publishing tells the households of %(courtyard)s "
                "and posts it in the residents' group."
            )
            % {"courtyard": h(courtyard)},
        ]
    )
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("📢 Publish"), callback_data=DraftStep(a="publish").pack()
                )
            ],
            [
                InlineKeyboardButton(
                    text=_("✏️ Type the times again"), callback_data=DraftStep(a="slots").pack()
                ),
                InlineKeyboardButton(text=_("✖️ Stop"), callback_data=DraftStep(a="cancel").pack()),
            ],
        ]
    )
    return text, keyboard


def published(title: str, messages: int) -> str:
    return _("✅ Published: %(title)s. %(count)s messages are on their way.") % {
        "title": h(title),
        "count": messages,
    }


def stopped() -> str:
    return _("Stopped. Nothing was published.")
