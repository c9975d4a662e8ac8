"""How a change of roles looks to the person: what changed, where, and their new menu."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from services.roles import RoleChanged
from views.menu import menu_for
from views.outbox import RenderContext, Rendered, Renderers
from views.text import ROLE_NAMES, h


def role_changed(payload: RoleChanged, context: RenderContext) -> Rendered:
    values = {
        "group": str(ROLE_NAMES[payload.role]),
        "where": h(payload.courtyard) if payload.courtyard else _("all courtyards"),
    }
    if payload.granted:
        text = (
            _(
                "🔑 The service center added you to %(group)s (%(where)s). "
                "Your menu below now has their buttons."
            )
            % values
        )
    else:
        text = (
            _(
                "🔑 The service center took you off %(group)s (%(where)s). "
                "Your menu below has changed."
            )
            % values
        )
    return Rendered(text, menu_for(set(payload.roles)))


RENDERERS: Renderers = {RoleChanged: role_changed}
