"""/help: what this person's roles let them do (the lines come from the features' menus)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from services.access import Actor
from views import menu


def text(actor: Actor) -> str:
    lines = [_("<b>What you can do</b>")]
    lines.extend(menu.current().help_for(actor.roles()))
    if not actor.households and not actor.grants:  # staff need no home to use the bot
        lines.append(_("To join your courtyard, open the invite link from your grid leader."))
    lines.append(_("/lang: 中文 / English"))
    lines.append(_("/menu: show the menu buttons again"))
    return "\n".join(lines)
