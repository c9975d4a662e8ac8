"""Callback data of the reminder buttons (within Telegram's 64 bytes: ids and short codes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from models import ReminderAnswer
from views.callbacks import Id


class AnswerReminder(CallbackData, prefix="fra"):
    r: Id  # reminder id
    a: ReminderAnswer


class SkipNote(CallbackData, prefix="frn"):
    r: Id  # reminder id


class ResumeReminders(CallbackData, prefix="frz"):
    p: Id  # pause id
