"""Billing periods: months written 'YYYY-MM', their first and last days, and neighbours."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from services.fees.errors import BadPeriod

PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def parse(text: str) -> str:
    """A period from what someone typed; raises BadPeriod."""
    cleaned = text.strip()
    found = PERIOD.match(cleaned)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise BadPeriod(text=text)
    return cleaned


def of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def shift(period: str, months: int) -> str:
    year, month = int(period[:4]), int(period[5:7])
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


def last_day(period: str) -> date:
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, monthrange(year, month)[1])
