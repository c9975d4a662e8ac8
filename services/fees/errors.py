"""What finance, an admin or the CLI can get wrong about fees, each with a clear answer."""

from __future__ import annotations

from services.errors import N_, DomainError, InvalidInput


class BadAmount(InvalidInput):
    message = N_(
        "%(text)s is not an amount: give yuan above zero with at most two decimals, "
        "e.g. 120 or 86.50."
    )


class BadRate(InvalidInput):
    message = N_(
        "%(text)s is not a rate: give yuan per m² per month, zero or more, with at most "
        "4 decimals, e.g. 0.50."
    )


class BadParkingFee(InvalidInput):
    message = N_(
        "%(text)s is not a parking fee: give yuan per space per month, zero or more, with at "
        "most two decimals, e.g. 40."
    )


class BadPeriod(InvalidInput):
    message = N_("%(text)s is not a month: write it as YYYY-MM, e.g. 2026-12.")


class BadDate(InvalidInput):
    message = N_("%(text)s is not a date: write it as YYYY-MM-DD, e.g. 2026-12-05.")


class FutureDate(InvalidInput):
    message = N_("A payment cannot be dated in the future (%(date)s).")


class BadPlanName(InvalidInput):
    message = N_("A fee plan needs a name of 1 to 100 characters.")


class BadPercent(InvalidInput):
    message = N_("%(text)s is not a percentage: give a whole number from 0 to 100.")


class ReasonRequired(InvalidInput):
    message = N_("Please give a reason (up to 300 characters).")


class UnknownMethod(InvalidInput):
    message = N_("Unknown payment method %(text)s. Methods: %(methods)s.")


class PeriodTooFarAhead(DomainError):
    message = N_("Bills for %(period)s cannot be issued yet: at most one month ahead (%(latest)s).")


class PeriodAlreadyBilled(DomainError):
    message = N_(
        "%(period)s is already billed (up to %(billed)s): a new plan can take effect from "
        "%(next)s at the earliest."
    )


class PlanPeriodTaken(DomainError):
    message = N_("A fee plan already takes effect from %(period)s in this courtyard.")


class HouseholdElsewhere(DomainError):
    message = N_("This household is not in %(courtyard)s.")


class DuplicateReference(DomainError):
    message = N_(
        "A payment with reference %(reference)s is already recorded (receipt %(receipt)s)."
    )


class AlreadyReversed(DomainError):
    message = N_("Receipt %(receipt)s was already reversed.")


class NotYourBill(DomainError):
    message = N_("You can only see the bills of a household you belong to.")


class ClaimAlreadyDecided(DomainError):
    message = N_("This payment was already handled: %(by)s confirmed it.")
    rejected = N_("This payment was already handled: %(by)s rejected it.")


class ScreenshotRequired(InvalidInput):
    message = N_(
        "Please send the transfer screenshot as a photo 📷 (not as a file), or tap ✖ Cancel."
    )


class InstructionsTooLong(InvalidInput):
    message = N_("Please keep the payment instructions under %(limit)s characters.")
