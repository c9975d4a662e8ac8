"""Words for tickets in the current locale: categories, states, urgency, places, times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from views.text import h

CATEGORIES = {
    "elevator": __("🛗 Elevator"),
    "water": __("🚰 Water / plumbing"),
    "electricity": __("💡 Electricity / lighting"),
    "doors": __("🚪 Doors / locks / access"),
    "cleaning": __("🧹 Cleaning / garbage"),
    "security": __("🛡 Security"),
    "facilities": __("🏛 Public facilities"),
    "other": __("📦 Other"),
}

STATUSES = {
    "new": __("🆕 waiting for a worker"),
    "claimed": __("🙋 taken"),
    "in_progress": __("🔧 being fixed"),
    "on_hold": __("⏸ on hold"),
    "reopened": __("↩️ reopened"),
    "resolved": __("✅ fixed, please confirm"),
    "closed": __("☑️ closed"),
    "cancelled": __("✖️ cancelled"),
}

CHANNELS = {
    "telegram": __("Telegram"),
    "phone": __("a phone call"),
    "visit": __("a visit"),
    "system": __("the system"),
}


def category(value: str) -> str:
    return str(CATEGORIES.get(value, value))


def status(value: str) -> str:
    return str(STATUSES.get(value, value))


def urgency(value: str) -> str:
    return _("🚨 Urgent") if value == "urgent" else _("Normal")


def channel(value: str) -> str:
    return str(CHANNELS.get(value, value))


def where(location: str, place: str, household: str) -> str:
    if location == "common":
        return _("Common area: %(place)s") % {"place": h(place)}
    return _("At home: %(household)s") % {"household": h(household)}


def when(at: datetime, zone: ZoneInfo) -> str:
    """'11-28 14:05': short enough for a phone screen."""
    return at.astimezone(zone).strftime("%m-%d %H:%M")


def day(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d")


def duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(n)s min") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        if minutes:
            return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
        return _("%(h)s h") % {"h": hours}
    return _("%(d)s days %(h)s h") % {"d": hours // 24, "h": hours % 24}


def stars(count: int) -> str:
    return "★" * count + "☆" * (5 - count)
