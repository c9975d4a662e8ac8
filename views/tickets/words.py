"""Words for tickets in the current locale: categories, states, urgency, places, times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from models import Location, TicketCategory, TicketStatus, Urgency
from views.text import h

C = TicketCategory
CATEGORIES = {
    C.ELEVATOR: __("🛗 Elevator"),
    C.WATER: __("🚰 Water / plumbing"),
    C.ELECTRICITY: __("💡 Electricity / lighting"),
    C.DOORS: __("🚪 Doors / locks / access"),
    C.CLEANING: __("🧹 Cleaning / garbage"),
    C.SECURITY: __("🛡 Security"),
    C.FACILITIES: __("🏛 Public facilities"),
    C.OTHER: __("📦 Other"),
}

S = TicketStatus
STATUSES = {
    S.NEW: __("🆕 waiting for a worker"),
    S.CLAIMED: __("🙋 taken"),
    S.IN_PROGRESS: __("🔧 being fixed"),
    S.ON_HOLD: __("⏸ on hold"),
    S.REOPENED: __("↩️ reopened"),
    S.RESOLVED: __("✅ fixed, please confirm"),
    S.CLOSED: __("☑️ closed"),
    S.CANCELLED: __("✖️ cancelled"),
}

CHANNELS = {
    "telegram": __("Telegram"),
    "phone": __("a phone call"),
    "visit": __("a visit"),
    "system": __("the system"),
}


def category(value: str) -> str:
    """A TicketCategory (or its value, as carried in payloads) in words."""
    return str(CATEGORIES.get(value, value))  # type: ignore[call-overload]


def status(value: str) -> str:
    return str(STATUSES.get(value, value))  # type: ignore[call-overload]


def urgency(value: str) -> str:
    return _("🚨 Urgent") if value == Urgency.URGENT else _("Normal")


def channel(value: str) -> str:
    return str(CHANNELS.get(value, value))


def where(location: str, place: str, household: str) -> str:
    if location == Location.COMMON:
        return _("Common area: %(place)s") % {"place": h(place)}
    return _("At home: %(household)s") % {"household": h(household)}


def when(at: datetime, zone: ZoneInfo) -> str:
    """'11-28 14:05': short enough for a phone screen."""
    return at.astimezone(zone).strftime("%m-%d %H:%M")


def day(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d")


def ago(seconds: float) -> str:
    """'5 min ago', '5 分钟前'."""
    return _("%(age)s ago") % {"age": duration(seconds)}


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
