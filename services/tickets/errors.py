"""What can go wrong with a ticket, as messages the channel translates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.errors import N_, DomainError, InvalidInput

if TYPE_CHECKING:
    from services.tickets.info import TicketInfo


class AlreadyClaimed(DomainError):
    message = N_("%(name)s has already taken ticket %(number)s.")


class TicketChanged(DomainError):
    """The ticket moved on since the button was shown."""

    message = N_(
        "Ticket %(number)s has changed meanwhile, so nothing was done. "
        "Please look at it again in the list."
    )


class TicketMovedOn(TicketChanged):
    """The button was shown for an earlier state or version of the ticket; `info` is the
    ticket as it is now, for the channel to show."""

    message = N_("Ticket %(number)s has changed since this message, so nothing was done.")

    def __init__(self, info: TicketInfo) -> None:
        super().__init__(number=info.number)
        self.info = info


class TicketCancelled(DomainError):
    message = N_("Ticket %(number)s was cancelled by the person who reported it.")


class NotAssignee(DomainError):
    message = N_("Only the person who has ticket %(number)s can do this.")


class NotReporter(DomainError):
    message = N_("Only the person who reported ticket %(number)s can do this.")


class NotYourHousehold(DomainError):
    message = N_("You can only report repairs for a household you belong to.")


class NotAWorker(DomainError):
    message = N_("%(name)s is not in the repair team of this courtyard.")


class ReopenTooLate(DomainError):
    message = N_(
        "Ticket %(number)s was fixed more than %(days)s days ago, so it cannot be reopened. "
        "Please report a new repair."
    )


class AlreadyRated(DomainError):
    message = N_("You have already rated ticket %(number)s. Thank you!")


class TooManyPhotos(InvalidInput):
    message = N_("At most 5 photos. This one was not added; tap ✅ Done to go on.")


class EmptyDescription(InvalidInput):
    message = N_("Please describe the problem in a few words, or send a voice message.")


class DescriptionTooShort(InvalidInput):
    message = N_(
        "Please say in a few words what is wrong (at least %(minimum)s letters or characters), "
        "for example: the corridor light on the 3rd floor is out. Or send a voice message 🎤."
    )


class DescriptionTooLong(InvalidInput):
    message = N_("Please keep it shorter: at most %(limit)s characters (you sent %(length)s).")
