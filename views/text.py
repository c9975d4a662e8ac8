"""Shared wording: names of roles, relations and states, in the current locale."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
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


def area(centi_m2: int) -> str:
    return f"{centi_m2 // 100}.{centi_m2 % 100:02d} m²"


def msgid_of(label: LazyProxy) -> str:
    """The untranslated message id behind a lazy_gettext proxy, to translate into any locale."""
    msgid: str = object.__getattribute__(label, "_args")[0]
    return msgid
