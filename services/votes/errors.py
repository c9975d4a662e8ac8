"""What the vote rules refuse, each with a clear message (gettext msgids)."""

from __future__ import annotations

from services.errors import N_, DomainError, NotFound


class VoteNotFound(NotFound):
    message = N_("This vote could not be found.")


class BadTitle(DomainError):
    message = N_("A vote needs a title of at most 200 characters.")


class BadOptions(DomainError):
    message = N_("A vote needs 2 to 6 options, each with a text of at most 200 characters.")


class BadOptionPlan(DomainError):
    message = N_(
        "Option %(position)s: a plan needs a rate per m² (e.g. 0.45) "
        "and a fee per parking space (e.g. 40)."
    )


class BadMatter(DomainError):
    message = N_("An Art. 278 vote needs its matter, a number from 1 to 9.")


class UnknownBuildings(DomainError):
    message = N_("These buildings are not in the courtyard: %(buildings)s.")


class NoVoters(DomainError):
    message = N_("Nobody is in the scope of this vote: there is no household to vote.")


class CloseInPast(DomainError):
    message = N_("The closing time must be in the future.")


class BadOpening(DomainError):
    message = N_("The opening time must be in the future and before the closing time.")


class BadObjectionDays(DomainError):
    message = N_("The objection period is 0 to 30 days.")


class VoteFrozen(DomainError):
    message = N_("This vote is open: it can no longer be changed.")


class VoteNotOpen(DomainError):
    message = N_("This vote is not open for ballots.")


class VoteClosed(DomainError):
    message = N_("This vote has closed; no more ballots are taken.")


class NotEligible(DomainError):
    message = N_("Your household is not among those voting on this.")


class OwnersOnly(DomainError):
    message = N_(
        "This is a vote of owners under Civil Code Art. 278: only the owner of the home "
        "may cast its ballot. Please ask the owner to vote, or tell your grid leader."
    )


class AlreadyVoted(DomainError):
    message = N_(
        "Your household has already voted (receipt %(receipt)s). A ballot cannot be cast twice."
    )


class UnknownOption(DomainError):
    message = N_("That option is not part of this vote.")


class PhotoRequired(DomainError):
    message = N_(
        "For an Art. 278 vote, a paper or proxy ballot needs a photo of the signed ballot."
    )


class ProxyNameRequired(DomainError):
    message = N_("A proxy ballot needs the name of the proxy.")


class ReasonRequired(DomainError):
    message = N_("Closing a vote early needs a reason.")


class NoPlanToAdopt(DomainError):
    message = N_("This vote has no passed option with a fee plan to adopt.")


class AlreadyAdopted(DomainError):
    message = N_("The plan of this vote has already been adopted.")


class NotClosedYet(DomainError):
    message = N_("The result and its protocol are published once the vote has closed.")
