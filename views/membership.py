"""How joining looks: requests to grid leaders, outcomes to residents, the pending list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.access import Role
from services.membership import PendingRequest
from views.callbacks import Decide
from views.menu import menu_for
from views.outbox import RenderContext, Rendered, renders
from views.text import area, h, local_time, relation_name


def decision_keyboard(membership_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✅ Approve"), callback_data=Decide(m=membership_id, ok=True).pack()
                ),
                InlineKeyboardButton(
                    text=_("❌ Reject"), callback_data=Decide(m=membership_id, ok=False).pack()
                ),
            ]
        ]
    )


@renders("membership.requested")
def requested(payload: dict[str, Any], context: RenderContext) -> Rendered:
    lines = [
        _("🔔 <b>New join request</b>"),
        _("%(name)s asks to join %(courtyard)s, room %(household)s, as %(relation)s.")
        % {
            "name": h(payload["name"]),
            "courtyard": h(payload["courtyard"]),
            "household": h(payload["household"]),
            "relation": relation_name(payload["relation"]).lower(),
        },
        _("Registered area: %(area)s") % {"area": area(int(payload["area_centi_m2"]))},
    ]
    if payload.get("owner_name"):
        lines.append(_("Owner on record: %(owner)s") % {"owner": h(payload["owner_name"])})
    return Rendered("\n".join(lines), decision_keyboard(int(payload["membership_id"])))


@renders("membership.approved")
def approved(payload: dict[str, Any], context: RenderContext) -> Rendered:
    return Rendered(
        _(
            "✅ Welcome! %(leader)s approved you for %(courtyard)s, room %(household)s. "
            "Open the menu below to get started."
        )
        % {
            "leader": h(payload["leader"]),
            "courtyard": h(payload["courtyard"]),
            "household": h(payload["household"]),
        },
        new_menu(payload),
    )


@renders("membership.rejected")
def rejected(payload: dict[str, Any], context: RenderContext) -> Rendered:
    return Rendered(
        _(
            "Your request to join %(courtyard)s, room %(household)s, was not approved. "
            "If this is a mistake, please talk to your grid leader."
        )
        % {"courtyard": h(payload["courtyard"]), "household": h(payload["household"])}
    )


@renders("membership.registered")
def registered(payload: dict[str, Any], context: RenderContext) -> Rendered:
    return Rendered(
        _("🏠 %(leader)s registered you for %(courtyard)s, room %(household)s.")
        % {
            "leader": h(payload["leader"]),
            "courtyard": h(payload["courtyard"]),
            "household": h(payload["household"]),
        },
        new_menu(payload),
    )


def new_menu(payload: dict[str, Any]) -> ReplyKeyboardMarkup:
    """The person now belongs to a household: their menu gains the residents' buttons."""
    return menu_for({Role(r) for r in payload.get("roles", [Role.RESIDENT.value])})


@renders("membership.digest")
def digest(payload: dict[str, Any], context: RenderContext) -> Rendered:
    lines = [_("☀️ Good morning. Join requests waiting for more than a day:")]
    for item in payload["items"]:
        oldest = local_time(datetime.fromisoformat(item["oldest"]), context.timezone)
        lines.append(
            _("• %(courtyard)s: %(count)s (oldest since %(oldest)s)")
            % {"courtyard": h(item["courtyard"]), "count": item["count"], "oldest": oldest}
        )
    lines.append(_("Send /pending to answer them."))
    return Rendered("\n".join(lines))


def pending_list(
    requests: Sequence[PendingRequest], zone: ZoneInfo
) -> list[tuple[str, InlineKeyboardMarkup]]:
    """One message per request, each with its own Approve / Reject buttons."""
    return [
        (
            _("%(name)s → %(courtyard)s %(household)s (%(relation)s), since %(since)s")
            % {
                "name": h(r.person),
                "courtyard": h(r.courtyard_name),
                "household": h(r.household_label),
                "relation": relation_name(r.relation.value),
                "since": local_time(r.requested_at, zone),
            },
            decision_keyboard(r.membership_id),
        )
        for r in requests
    ]
