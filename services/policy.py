"""Settings the rules need (time zone, quiet hours), handed in by the process, not read here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    """Local hours in which non-urgent messages wait; start > end spans midnight (21:00-08:00)."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Policy:
    timezone: ZoneInfo = SHANGHAI
    quiet_hours: QuietHours = QuietHours()
    default_locale: str = "zh_Hans"

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.timezone)

    def after_quiet_hours(self, at: datetime) -> datetime:
        """`at` itself, or the end of the quiet hours that `at` falls in (aware UTC either way)."""
        local = self.local(at)
        if not self.quiet_hours.contains(local.timetz().replace(tzinfo=None)):
            return at
        end = local.replace(
            hour=self.quiet_hours.end.hour,
            minute=self.quiet_hours.end.minute,
            second=0,
            microsecond=0,
        )
        if end <= local:
            end = end + timedelta(days=1)
        return end.astimezone(at.tzinfo)
