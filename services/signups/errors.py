"""What sign-ups refuse, each with a clear message."""

from __future__ import annotations

from services.errors import N_, DomainError, InvalidInput


class SlotFull(DomainError):
    """Asked first: the person may join the waiting list instead."""

    message = N_("This time is full. Would you like to join the waiting list?")


class AlreadySignedUp(DomainError):
    message = N_("%(name)s is already signed up for this: %(slot)s.")


class GatheringOver(DomainError):
    message = N_("This time has already passed. Sign-up is over.")


class GatheringNotOpen(DomainError):
    message = N_("Sign-up for this event is closed.")


class NotInScope(DomainError):
    message = N_("This event is for other households. You cannot sign up for it.")


class NotSignedUp(DomainError):
    message = N_("There is no sign-up to cancel. It may have been cancelled already.")


class InvalidTitle(InvalidInput):
    message = N_("Please send a short title (at most %(limit)s characters).")


class InvalidDay(InvalidInput):
    message = N_(
        "That day was not understood. Please send it like 12-06, 12月6日 or 明天 (tomorrow)."
    )


class DayInPast(InvalidInput):
    message = N_("That day has already passed. Please send a day from today on.")


class InvalidSlots(InvalidInput):
    message = N_(
        "The times were not understood: %(line)s\n"
        "Please send them like this (one line each):\n"
        "9:00-11:00 每15分钟 5人\n"
        "14:00-15:00 10人"
    )


class SlotsInPast(InvalidInput):
    message = N_("These times have already passed today. Please send later times.")
