"""Domain errors: a message id (translated by the channel) and its parameters."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message for translation without translating it here (gettext_noop)."""
    return message


class DomainError(Exception):
    """A rule said no. `message` is a gettext msgid; `params` fill its %(name)s slots."""

    message: str = N_("Something went wrong. Please try again.")

    def __init__(self, message: str | None = None, **params: Any) -> None:
        if message is not None:
            self.message = message
        self.params = params
        super().__init__(self.message, params)


class NotAllowed(DomainError):
    """`roles` (a tuple of Role) is rendered by the channel as localized role names."""

    message = N_("Sorry, only %(roles)s can do this.")


class NotFound(DomainError):
    message = N_("This could not be found. It may have been removed.")


class Stale(DomainError):
    message = N_("This button has expired. Please start again from the menu.")


class InvalidInput(DomainError):
    message = N_("That input was not understood.")
