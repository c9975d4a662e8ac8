"""Settings the rules need (time zone, quiet hours), handed in by the process, not read here;
and which kinds of message wait out the quiet hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    """Local hours in which non-urgent messages wait; start > end spans midnight (21:00-08:00)."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    @property
    def active(self) -> bool:
        """Off when start == end (QUIET_HOURS=off)."""
        return self.start != self.end

    def contains(self, local: time) -> bool:
        if not self.active:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


SHANGHAI = ZoneInfo("Asia/Shanghai")

# Per outbox kind: does a non-urgent message of this kind wait out the quiet hours? Work for
# the repair team (a new ticket's card, a worker's work card) goes at once: the team decides
# who is on duty at night. News for residents and grid leaders waits until the morning.
# Urgent tickets (no water, no power, someone trapped) never wait. Every kind is listed here.
WAITS_FOR_QUIET_HOURS: dict[str, bool] = {
    "ticket.card": False,
    "ticket.work": False,
    "ticket.taken_away": False,
    "ticket.alert": True,
    "ticket.digest": True,
    "ticket.update": True,
    "ticket.resolved": True,
    "ticket.autoclosed": True,
    "ticket.filed_for_you": True,
    "ticket.feedback": True,
    "membership.requested": True,
    "membership.approved": True,
    "membership.rejected": True,
    "membership.registered": True,
    "membership.digest": True,
    "role.changed": True,
    # the ledger: nothing that cannot wait for the morning
    "ledger.approval_needed": True,
    "ledger.decided": True,
    "ledger.disclosure": True,
    "ledger.question": True,
    "ledger.answer": True,
    "ledger.chain_broken": True,
    # votes: the group card and its edits show participation only and follow the ballots;
    # a conflicting ballot is news the organizer needs while entering paper ballots
    "vote.card": False,
    "vote.conflict": False,
    "vote.announced": True,
    "vote.reminder": True,
    "vote.result": True,
    # fees: residents' receipts and answers, and claims for finance, all wait for the morning
    "fee.receipt": True,
    "fee.claim": True,
    "fee.claim_rejected": True,
    "signup.announced": True,
    "signup.promoted": True,
    "signup.signed_for_you": True,
    "signup.reminder": True,
    "signup.gathering_cancelled": True,
    # notices: normal ones wait for the morning; urgent ones (water cut now) never wait
    "notice.post": True,
    "notice.letter": True,
    "notice.reminder": True,
    "notice.deadline": True,
    # fee reminders, residents' answers to them, finance's list of formal notices
    "fee.reminder": True,
    "fee.reminder_answer": True,
    "fee.formal_list": True,
}


def waits_for_quiet_hours(kind: str) -> bool:
    """A kind not in the table waits: a message late in the morning is the smaller harm."""
    return WAITS_FOR_QUIET_HOURS.get(kind, True)


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

    def delivery_at(self, kind: str, at: datetime, *, urgent: bool = False) -> datetime:
        """When a message of `kind` written at `at` goes out (what the actor is told, too)."""
        if urgent or not waits_for_quiet_hours(kind):
            return at
        return self.after_quiet_hours(at)

    def quiet_for(self, kind: str, *, urgent: bool = False) -> Policy | None:
        """The `quiet=` argument of outbox.enqueue for a message of `kind`: this policy if
        the message waits out the quiet hours, else None."""
        return None if urgent or not waits_for_quiet_hours(kind) else self
