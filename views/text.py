"""Shared wording: names of roles, relations and states, in the current locale."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from services import access
from services.access import Role

ROLE_NAMES = {role: __(name) for role, name in access.ROLE_NAMES.items()}

RELATION_NAMES = {
    "owner": __("Owner"),
    "tenant": __("Tenant"),
    "family": __("Family member"),
}

STATUS_NAMES = {
    "pending": __("waiting"),
    "approved": __("approved"),
    "rejected": __("rejected"),
    "revoked": __("revoked"),
}


def h(value: object) -> str:
    """Escape anything shown inside an HTML message."""
    return escape(str(value), quote=False)


def role_list(roles: Iterable[Role]) -> str:
    return _(" or ").join(str(ROLE_NAMES[r]) for r in roles)


def relation_name(value: str) -> str:
    return str(RELATION_NAMES.get(value, value))


def local_time(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


# a building's name that already says it is one (2号楼, 3栋, A座): shown as it is, in any language
BUILDING_WORDS = ("楼", "栋", "座", "幢", "号")


def building(name: str) -> str:
    """A building as people say it: "2号楼" stays "2号楼" (never "Building 2号楼"); a bare
    name gets the word: "Building 2" / "2号楼". Escaped for HTML."""
    if name.endswith(BUILDING_WORDS):
        return h(name)
    return _("Building %(name)s") % {"name": h(name)}


def arrival(at: datetime, now: datetime, zone: ZoneInfo) -> str:
    """When something waiting will happen, to fit "… will get it %(when)s": "at 8:00 this
    morning" (早上 8:00), "at 8:00 tomorrow morning" (明天早上 8:00), "on 12-05 at 8:00"."""
    local, today = at.astimezone(zone), now.astimezone(zone).date()
    values = {"time": f"{local.hour}:{local.minute:02d}", "day": local.strftime("%m-%d")}
    morning = local.hour < 12
    if local.date() == today:
        return (_("at %(time)s this morning") if morning else _("today at %(time)s")) % values
    if local.date() == today + timedelta(days=1):
        return (
            _("at %(time)s tomorrow morning") if morning else _("tomorrow at %(time)s")
        ) % values
    return _("on %(day)s at %(time)s") % values


def area(centi_m2: int) -> str:
    return f"{centi_m2 // 100}.{centi_m2 % 100:02d} m²"


def msgid_of(label: LazyProxy) -> str:
    """The untranslated message id behind a lazy_gettext proxy, to translate into any locale."""
    msgid: str = object.__getattribute__(label, "_args")[0]
    return msgid
