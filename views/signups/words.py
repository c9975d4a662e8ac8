"""Days and times as people read them, in local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

WEEKDAYS = (__("Mon"), __("Tue"), __("Wed"), __("Thu"), __("Fri"), __("Sat"), __("Sun"))


def clock_time(at: datetime, zone: ZoneInfo) -> str:
    local = at.astimezone(zone)
    return f"{local.hour}:{local.minute:02d}"


def day(at: datetime, zone: ZoneInfo) -> str:
    """ "11-29 (Sun)" / "11-29（周日）"."""
    local = at.astimezone(zone)
    return _("%(date)s (%(weekday)s)") % {
        "date": local.strftime("%m-%d"),
        "weekday": WEEKDAYS[local.weekday()],
    }


def times(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> str:
    return f"{clock_time(starts_at, zone)}-{clock_time(ends_at, zone)}"


def when(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> str:
    """ "11-29 (Sun) 9:00-11:00"."""
    return f"{day(starts_at, zone)} {times(starts_at, ends_at, zone)}"
