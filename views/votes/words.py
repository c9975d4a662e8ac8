"""Words of votes: rules, matters, channels, outcomes, areas, shares and money."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from models import VoteRule
from services.votes.rules import MATTERS, THREE_QUARTER_MATTERS

OUTCOMES = {
    "passed": __("passed"),
    "not_passed": __("not passed"),
    "no_quorum": __("not valid: too few took part"),
}
CHANNELS = {
    "online": __("online"),
    "paper": __("paper ballot"),
    "proxy": __("by proxy"),
    "in_person": __("in person"),
}
STATUSES = {
    "draft": __("draft"),
    "open": __("open"),
    "closed": __("closed, objections open"),
    "final": __("final"),
    "cancelled": __("cancelled"),
}
STAGES = {"3d": __("3 days"), "1d": __("1 day"), "6h": __("6 hours")}


def matter(number: int) -> str:
    return _(MATTERS[number])


def rule(value: VoteRule, number: int | None) -> str:
    if value is VoteRule.SIMPLE or number is None:
        return _("Simple majority: one vote per household, more than half of those voting.")
    if number in THREE_QUARTER_MATTERS:
        approval = _("at least 3/4 of the participating area and owners")
    else:
        approval = _("more than 1/2 of the participating area and owners")
    return _(
        "Civil Code Art. 278, matter %(n)s (%(matter)s): owners with at least 2/3 of the area "
        "and 2/3 of the owners must take part; it passes with %(approval)s."
    ) % {"n": number, "matter": matter(number), "approval": approval}


def area(centi: int) -> str:
    """Hundredths of m² as m², without trailing zeros: 7850 → 78.5."""
    whole, part = divmod(centi, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") if part else str(whole)


def share(value: Fraction) -> str:
    """An exact share as a percentage with one decimal, half up: 189/200 → 94.5%."""
    tenths = value * 1000
    whole = int(tenths)
    if tenths - whole >= Fraction(1, 2):
        whole += 1
    return f"{whole // 10}.{whole % 10}%"


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


def rate(value: int) -> str:
    whole, part = divmod(value, 10000)
    digits = f"{part:04d}".rstrip("0")
    return f"{whole}.{digits}" if digits else str(whole)


def when(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def status(value: str) -> str:
    return str(STATUSES.get(value, value))
