"""A DomainError in the user's language."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _

from services.errors import DomainError, NotAllowed
from views.text import STATUS_NAMES, h, role_list


def error_text(error: DomainError, *, html: bool = True) -> str:
    """The error's message with its parameters filled in. `html`: for an HTML message, so
    every parameter (what the person typed, a name) is escaped here, once; an alert or a
    terminal shows the text as it is (html=False)."""
    params: dict[str, Any] = dict(error.params)
    if isinstance(error, NotAllowed):
        params["roles"] = role_list(params.get("roles", ()))
    if params.get("status") in STATUS_NAMES:  # a state's code name, e.g. "approved"
        params["status"] = str(STATUS_NAMES[params["status"]])
    if html:
        params = {k: v if isinstance(v, int) else h(v) for k, v in params.items()}
    text = _(error.message)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text
