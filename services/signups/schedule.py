"""Reading a day and time slots as a grid leader types them: "12-06", "12月6日", "明天";
"9:00-11:00 每15分钟 5人" (a run of 15-minute slots of 5 places) or "14:00-15:00 10人" (one
slot). Local times in, aware UTC out."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.signups.errors import DayInPast, InvalidDay, InvalidSlots, SlotsInPast

MAX_SLOTS = 48  # a keyboard of slot buttons stays usable
MAX_CAPACITY = 1000

_RELATIVE = {"今天": 0, "今日": 0, "today": 0, "明天": 1, "明日": 1, "tomorrow": 1, "后天": 2}
_DAY_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?$"),
)
_TIME = r"(\d{1,2})(?:[:：.](\d{2})|点半|点|时)?"
_LINE = re.compile(
    rf"^{_TIME}\s*(?:-|–|—|~|～|到|至)\s*{_TIME}"
    r"(?:\s*(?:每|every)\s*(\d{1,3})\s*(?:分钟|分|min|minutes?))?"
    r"\s*[,，、]?\s*(\d{1,4})\s*(?:人|位|名|people|places?)?$",
    re.IGNORECASE,
)


def parse_day(typed: str, today: date) -> date:
    """A day from today on; a month and day without a year is the next such day."""
    text = "".join(typed.split()).lower()
    if text in _RELATIVE:
        return today + timedelta(days=_RELATIVE[text])
    for pattern in _DAY_PATTERNS:
        found = pattern.match(text)
        if found is None:
            continue
        parts = found.groupdict()
        try:
            year = int(parts["y"]) if parts.get("y") else today.year
            day = date(year, int(parts["m"]), int(parts["d"]))
            if not parts.get("y") and day < today:
                day = date(year + 1, day.month, day.day)
        except ValueError:
            raise InvalidDay() from None
        if day < today:
            raise DayInPast()
        return day
    raise InvalidDay()


@dataclass(frozen=True)
class PlannedSlot:
    starts_at: datetime  # aware UTC
    ends_at: datetime
    capacity: int


def _clock(hour: str, minute: str | None, raw: str) -> time:
    if "点半" in raw:
        minute = "30"
    try:
        return time(int(hour), int(minute or 0))
    except ValueError:
        raise InvalidSlots(line=raw) from None


def _times(match: re.Match[str], line: str) -> tuple[time, time]:
    text = match.group(0)
    halves = re.split(r"-|–|—|~|～|到|至", text, maxsplit=1)
    return (
        _clock(match.group(1), match.group(2), halves[0]),
        _clock(match.group(3), match.group(4), halves[1] if len(halves) > 1 else ""),
    )


def parse_slots(typed: str, day: date, zone: ZoneInfo) -> list[PlannedSlot]:
    """Every line a run of slots ("9:00-11:00 每15分钟 5人") or one slot ("14:00-15:00 10人");
    in time order, without overlaps. InvalidSlots names the first line not understood."""
    local: list[tuple[datetime, datetime, int]] = []
    for raw in typed.splitlines():
        line = raw.strip()
        if not line:
            continue
        found = _LINE.match(line)
        if found is None:
            raise InvalidSlots(line=line)
        start, end = _times(found, line)
        every = int(found.group(5)) if found.group(5) else None
        capacity = int(found.group(6))
        if end <= start or not 1 <= capacity <= MAX_CAPACITY or every == 0:
            raise InvalidSlots(line=line)
        begin = datetime.combine(day, start, zone)
        finish = datetime.combine(day, end, zone)
        step = timedelta(minutes=every) if every else finish - begin
        at = begin
        while at < finish:
            local.append((at, min(at + step, finish), capacity))
            at += step
    if not local or len(local) > MAX_SLOTS:
        raise InvalidSlots(line=typed.strip()[:60] or "-")
    local.sort()
    for (_s, end_a, _c), (start_b, _e, _c2) in itertools.pairwise(local):
        if start_b < end_a:
            raise InvalidSlots(line=typed.strip()[:60])
    return [PlannedSlot(s.astimezone(UTC), e.astimezone(UTC), c) for s, e, c in local]


def check_future(slots: list[PlannedSlot], now: datetime) -> None:
    if not slots or slots[-1].starts_at <= now:
        raise SlotsInPast()
