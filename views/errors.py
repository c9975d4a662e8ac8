"""A DomainError in the user's language."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _

from services.errors import DomainError, NotAllowed
from views.text import STATUS_NAMES, role_list


def error_text(error: DomainError) -> str:
    params: dict[str, Any] = dict(error.params)
    if isinstance(error, NotAllowed):
        params["roles"] = role_list(params.get("roles", ()))
    if params.get("status") in STATUS_NAMES:  # a state's code name, e.g. "approved"
        params["status"] = str(STATUS_NAMES[params["status"]])
    text = _(error.message)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text
