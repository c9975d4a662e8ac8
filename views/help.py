"""/help: what this person's roles let them do."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from services.access import Actor, Role

# features add their lines here, keyed by the role that may use them
SECTIONS: dict[Role, list[LazyProxy]] = {
    Role.RESIDENT: [
        __("🏠 My home: the rooms you belong to"),
    ],
    Role.GRID_LEADER: [
        __("/pending: join requests waiting for you"),
        __("/register: register a neighbour who needs help"),
        __("/link (in a group): bind the group to your courtyard"),
    ],
    Role.ADMIN: [
        __("/pending: join requests of courtyards without a grid leader"),
        __("/link (in a group): bind the group to a courtyard"),
    ],
}


def text(actor: Actor) -> str:
    lines = [_("<b>What you can do</b>")]
    held = actor.roles()
    for role, items in SECTIONS.items():
        if role in held:
            lines.extend(str(item) for item in items)
    if not actor.households and not actor.grants:  # staff need no home to use the bot
        lines.append(_("To join your courtyard, open the invite link from your grid leader."))
    lines.append(_("/lang: 中文 / English"))
    lines.append(_("/menu: show the menu buttons again"))
    return "\n".join(lines)
