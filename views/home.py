"""'My home': the households a person belongs to, and requests still waiting."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from services.homes import Home
from views.text import STATUS_NAMES, area, h, relation_name


def text(homes: list[Home]) -> str:
    if not homes:
        return _(
            "You do not belong to any household yet. Open the invite link from your grid "
            "leader to join."
        )
    lines = [_("<b>My home</b>")]
    lines.extend(
        _("• %(courtyard)s %(household)s, %(area)s: %(relation)s (%(status)s)")
        % {
            "courtyard": h(home.courtyard),
            "household": h(home.household),
            "area": area(home.area_centi_m2),
            "relation": relation_name(home.relation),
            "status": STATUS_NAMES.get(home.status, home.status),
        }
        for home in homes
    )
    return "\n".join(lines)
