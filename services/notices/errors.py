"""What can go wrong with a notice, as messages the channel translates."""

from __future__ import annotations

from services.errors import N_, DomainError, InvalidInput


class EmptyNotice(InvalidInput):
    message = N_("A notice needs words. Please write what you want to tell everyone.")


class NoticeTooLong(InvalidInput):
    message = N_(
        "This notice is too long: at most %(limit)s characters, and it has %(length)s. "
        "Please make it shorter, or send it as two notices."
    )


class EmptyScope(InvalidInput):
    message = N_("No households live in what you chose. Please choose again.")


class TimeInPast(InvalidInput):
    message = N_("That time has already passed. Please choose a later time.")


class TimeNotUnderstood(InvalidInput):
    message = N_("Please type a time like 12-03 08:00, or only 08:00 for today.")


class DeadlineTooEarly(InvalidInput):
    message = N_("The deadline must be after the notice goes out. Please choose a later time.")


class OneCourtyardOnly(InvalidInput):
    message = N_("Buildings and units can be chosen for one courtyard at a time.")


class TooLateToWithdraw(DomainError):
    message = N_(
        "This notice has already gone out, so it cannot be withdrawn. "
        "To put something right, send a correction."
    )


class NotYourNotice(DomainError):
    message = N_("Only the person who sent this notice can do this.")


class AlreadyAcknowledged(DomainError):
    message = N_("You have already confirmed that you received it.")


class NotForYou(DomainError):
    message = N_("Thank you! This notice is for other households, so nothing needs doing.")


class NoAckNeeded(DomainError):
    message = N_("This notice does not ask for a confirmation.")


class DeadlineNotPassed(DomainError):
    message = N_("The reminder can be sent once the deadline has passed.")


class AlreadyReminded(DomainError):
    message = N_("A reminder for this notice has already been sent.")


class NobodyToRemind(DomainError):
    message = N_("Every household has confirmed. There is nobody to remind.")
