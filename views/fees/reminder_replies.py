"""What a resident is told after answering a reminder, and finance after resuming one."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import ReminderAnswer
from services.fees.reminder_answers import Answered, Lifted
from views.fees.reminder_callbacks import SkipNote
from views.fees.reminder_words import month
from views.text import h

A = ReminderAnswer


def answered(result: Answered) -> tuple[str, InlineKeyboardMarkup | None]:
    """Thanks, who will hear of it, and (except for 'forgot') an invitation to type a note."""
    values = {"period": month(result.period), "household": h(result.household)}
    if result.answer is A.FORGOT:
        return _("🙂 Thank you! Please pay when it suits you, as the reminder says."), None
    texts = {
        A.HARDSHIP: _(
            "🤝 Thank you for telling us. Finance will contact you privately; nobody else "
            "sees this. If you like, type a few words about your situation."
        ),
        A.DISPUTE: _(
            "🛠 Thank you. Reminders for %(household)s for %(period)s are paused while finance "
            "and your grid leader look into it. Please type what is wrong with the service."
        ),
        A.MOVED: _(
            "🏠 Thank you. Finance and your grid leader have been told. If you like, type "
            "since when, or how to reach the new residents."
        ),
        A.OTHER: _("✏️ Please type what you would like to tell us."),
    }
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("No, that is all"), callback_data=SkipNote(r=result.reminder_id).pack()
                )
            ]
        ]
    )
    return texts[result.answer] % values, keyboard


def noted() -> str:
    return _("Thank you, we have passed it on.")


def no_note() -> str:
    return _("Thank you!")


def resumed(lifted: Lifted) -> str:
    return _("▶️ Reminders for %(household)s for %(period)s go on again.") % {
        "household": h(lifted.household),
        "period": month(lifted.period),
    }
