"""What finance, an admin, a resident or the terminal can get wrong about the ledger."""

from __future__ import annotations

from services.errors import N_, DomainError, InvalidInput


class CategoryRequired(InvalidInput):
    message = N_("Please choose a category for this entry.")


class WrongCategory(InvalidInput):
    message = N_("That category does not fit this kind of entry (income or expense).")


class FutureDate(InvalidInput):
    message = N_("An entry cannot be dated in the future (%(date)s).")


class BadDate(InvalidInput):
    message = N_("%(text)s is not a date: write it as YYYY-MM-DD, e.g. 2026-12-05.")


class TextTooLong(InvalidInput):
    message = N_("Please keep %(what)s to at most %(max)s characters.")


class DescriptionRequired(InvalidInput):
    message = N_("Please say in a few words what the money was for.")


class ReasonRequired(InvalidInput):
    message = N_("Please give a reason (up to 300 characters).")


class NotServed(DomainError):
    message = N_("You do not keep the accounts of %(courtyard)s.")


class EntryNotFound(DomainError):
    message = N_("Entry %(ref)s was not found in these accounts.")


class AlreadyReversed(DomainError):
    message = N_("Entry %(ref)s has already been reversed.")


class CannotReverse(DomainError):
    message = N_("Entry %(ref)s does not count yet (it waits for approval or was rejected).")


class NoApprovalNeeded(DomainError):
    message = N_("Entry %(ref)s needs no approval.")


class AlreadyDecided(DomainError):
    message = N_("Entry %(ref)s has already been decided.")


class OwnExpense(DomainError):
    message = N_("You booked entry %(ref)s yourself: another admin has to approve it.")


class UnknownTicket(DomainError):
    message = N_("There is no repair ticket %(number)s in this courtyard.")


class BadMonth(InvalidInput):
    message = N_("%(text)s is not a month: write it as YYYY-MM, e.g. 2026-12.")


class MonthNotOver(DomainError):
    message = N_("%(month)s cannot be published before it has begun.")


class UnapprovedExpenses(DomainError):
    message = N_(
        "%(month)s has %(count)s expense(s) waiting for an admin's approval: "
        "they must be decided before the month is published."
    )


class NothingChanged(DomainError):
    message = N_("%(month)s is already published (version %(version)s) and nothing has changed.")


class NotPublished(DomainError):
    message = N_("This line is not in a published month.")


class QuestionRequired(InvalidInput):
    message = N_("Please write your question in a few words (up to 500 characters).")


class AnswerRequired(InvalidInput):
    message = N_("Please write the answer (up to 1000 characters).")


class AlreadyAnswered(DomainError):
    message = N_("This question has already been answered.")


class ChainBroken(DomainError):
    message = N_("The accounts of %(courtyard)s do not verify: entry no. %(seq)s does not match.")
