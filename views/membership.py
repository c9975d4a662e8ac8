"""How joining looks: requests to grid leaders, outcomes to residents, the pending list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from models import Relation
from services.membership import JoinRequest, PendingRequest, Waiting
from services.membership_messages import (
    MembershipApproved,
    MembershipRegistered,
    MembershipRejected,
    MembershipRequested,
    PendingDigest,
)
from views.callbacks import Decide, Id, Index, PickCourtyard
from views.menu import menu_for
from views.outbox import RenderContext, Rendered, Renderers
from views.text import area, arrival, h, local_time, relation_name

PENDING_PAGE = 8  # requests per page of /pending

REJECT_REASONS = {
    "not_resident": __("Not living in this household"),
    "incomplete": __("Information incomplete"),
}


class RejectFor(CallbackData, prefix="mr"):
    m: Id  # membership id
    r: str  # a key of REJECT_REASONS


class RegisterStep(CallbackData, prefix="rg"):
    do: str  # "skip" the phone, "save", "cancel"


class PendingPage(CallbackData, prefix="mp"):
    p: Index


class PendingOpen(CallbackData, prefix="mo"):
    m: Id
    p: Index  # the page to go back to


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def decision_keyboard(membership_id: int, back_to: int | None = None) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(_("✅ Approve"), Decide(m=membership_id, ok=True)),
            _button(_("❌ Reject"), Decide(m=membership_id, ok=False)),
        ]
    ]
    if back_to is not None:
        rows.append([_button(_("↩ Back to the list"), PendingPage(p=back_to))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def card(
    payload: MembershipRequested, back_to: int | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """A join request as the grid leader decides it: who, which room, who lives there now."""
    lines = [
        _("🔔 <b>New join request</b>"),
        _("%(name)s asks to join %(courtyard)s, room %(household)s, as %(relation)s.")
        % {
            "name": h(payload.name),
            "courtyard": h(payload.courtyard),
            "household": h(payload.household),
            "relation": relation_name(payload.relation.value).lower(),
        },
        _("Registered area: %(area)s") % {"area": area(payload.area_centi_m2)},
    ]
    if payload.owner_name:
        lines.append(_("Owner on record: %(owner)s") % {"owner": h(payload.owner_name)})
    members = payload.members
    if members:
        lines.append(
            _("Living there now: %(members)s")
            % {
                "members": _(", ").join(
                    _("%(name)s (%(relation)s)")
                    % {"name": h(name), "relation": relation_name(rel.value)}
                    for name, rel in members
                )
            }
        )
    else:
        lines.append(_("Nobody is registered for this room yet."))
    if payload.recognised:
        lines.append(
            _(
                "This looks like %(name)s, whom a grid leader registered for this room: "
                "approving links the two."
            )
            % {"name": h(payload.recognised)}
        )
    return "\n".join(lines), decision_keyboard(payload.membership_id, back_to)


def requested(payload: MembershipRequested, context: RenderContext) -> Rendered:
    return Rendered(*card(payload))


def reasons_keyboard(membership_id: int) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [_button(str(label), RejectFor(m=membership_id, r=key))]
        for key, label in REJECT_REASONS.items()
    ]
    text = _("Why is the request rejected? Tap a reason, or type it in a few words.")
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def reason_text(reason: str) -> str:
    """A reason key in the reader's language; typed words as they were."""
    label = REJECT_REASONS.get(reason)
    return str(label) if label is not None else reason


def request_sent(
    result: JoinRequest, arrives: datetime | None, now: datetime, zone: ZoneInfo
) -> str:
    """`arrives`: when the grid leader gets it, if not now (quiet hours)."""
    text = _(
        "📨 Your request to join %(courtyard)s, room %(household)s, as %(relation)s has been "
        "sent to the grid leader. You will get a message when they answer."
    ) % {
        "courtyard": h(result.courtyard_name),
        "household": h(result.household_label),
        "relation": relation_name(result.relation.value).lower(),
    }
    if arrives is not None:
        text += "\n" + _("The grid leader will get it %(when)s.") % {
            "when": arrival(arrives, now, zone)
        }
    return text


def waiting(requests: Sequence[Waiting], zone: ZoneInfo) -> str:
    """Told to someone whose request waits, instead of a menu they cannot use yet."""
    lines = [
        _(
            "⏳ Your request for %(courtyard)s, room %(household)s, has been waiting since "
            "%(since)s for %(leader)s to answer."
        )
        % {
            "courtyard": h(w.courtyard_name),
            "household": h(w.household_label),
            "since": local_time(w.requested_at, zone),
            "leader": h(_(", ").join(w.leaders) or _("the service center")),
        }
        for w in requests
    ]
    lines.append(_("You will get a message here as soon as they answer."))
    return "\n".join(lines)


def approved(payload: MembershipApproved, context: RenderContext) -> Rendered:
    return Rendered(
        _(
            "✅ Welcome! %(leader)s approved you for %(courtyard)s, room %(household)s. "
            "Open the menu below to get started."
        )
        % {
            "leader": h(payload.leader),
            "courtyard": h(payload.courtyard),
            "household": h(payload.household),
        },
        menu_for(set(payload.roles)),
    )


def rejected(payload: MembershipRejected, context: RenderContext) -> Rendered:
    return Rendered(
        _(
            "Your request to join %(courtyard)s, room %(household)s, was not approved.\n"
            "Reason: %(reason)s\n"
            "If this is a mistake, please talk to your grid leader, %(leader)s."
        )
        % {
            "courtyard": h(payload.courtyard),
            "household": h(payload.household),
            "reason": h(reason_text(payload.reason or "")),
            "leader": h(payload.leader),
        }
    )


def registered(payload: MembershipRegistered, context: RenderContext) -> Rendered:
    # the person now belongs to a household: their menu gains the residents' buttons
    return Rendered(
        _("🏠 %(leader)s registered you for %(courtyard)s, room %(household)s.")
        % {
            "leader": h(payload.leader),
            "courtyard": h(payload.courtyard),
            "household": h(payload.household),
        },
        menu_for(set(payload.roles)),
    )


def digest(payload: PendingDigest, context: RenderContext) -> Rendered:
    lines = [_("☀️ Good morning. Join requests waiting for more than a day:")]
    lines.extend(
        _("• %(courtyard)s: %(count)s (oldest since %(oldest)s)")
        % {
            "courtyard": h(item.courtyard),
            "count": item.count,
            "oldest": local_time(item.oldest, context.timezone),
        }
        for item in payload.items
    )
    lines.append(_("Send /pending to answer them."))
    return Rendered("\n".join(lines))


RENDERERS: Renderers = {
    MembershipRequested: requested,
    MembershipApproved: approved,
    MembershipRejected: rejected,
    MembershipRegistered: registered,
    PendingDigest: digest,
}


def pending_page(
    requests: Sequence[PendingRequest], page: int, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    """One message for all waiting requests, PENDING_PAGE at a time; tap one to decide it."""
    pages = max(1, -(-len(requests) // PENDING_PAGE))
    page = min(max(page, 0), pages - 1)
    first = page * PENDING_PAGE
    shown = requests[first : first + PENDING_PAGE]
    lines = [_("📝 %(count)s join request(s) waiting:") % {"count": len(requests)}]
    rows: list[list[InlineKeyboardButton]] = []
    for number, r in enumerate(shown, start=first + 1):
        lines.append(
            _("%(n)s. %(name)s → %(courtyard)s %(household)s (%(relation)s), since %(since)s")
            % {
                "n": number,
                "name": h(r.person),
                "courtyard": h(r.courtyard_name),
                "household": h(r.household_label),
                "relation": relation_name(r.relation.value),
                "since": local_time(r.requested_at, zone),
            }
        )
        label = f"{number}. {r.person} · {r.household_label}"
        rows.append([_button(label, PendingOpen(m=r.membership_id, p=page))])
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(_button(_("◀ Previous"), PendingPage(p=page - 1)))
    if pages > 1:
        nav.append(_button(f"{page + 1}/{pages}", PendingPage(p=page)))
    if page < pages - 1:
        nav.append(_button(_("Next ▶"), PendingPage(p=page + 1)))
    if nav:
        rows.append(nav)
    lines.append(_("Tap a request to see it and answer."))
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


# ---- a grid leader registering a neighbour ------------------------------------------------


def courtyard_choice(courtyards: Sequence[tuple[int, str]]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[_button(name, PickCourtyard(mode="r", c=cid))] for cid, name in courtyards]
    return _("Which courtyard?"), InlineKeyboardMarkup(inline_keyboard=rows)


def ask_neighbour_name(label: str, relation: Relation) -> str:
    return _(
        "Registering a neighbour for room %(room)s (%(relation)s).\n"
        "Please send the neighbour's name."
    ) % {"relation": relation_name(relation.value).lower(), "room": h(label)}


def ask_neighbour_phone(name: str) -> tuple[str, InlineKeyboardMarkup]:
    text = _(
        "%(name)s's phone number, so the grid leader can reach them: a mobile such as "
        "13812345678 or a landline such as 0371-12345678. If there is none, tap Skip."
    ) % {"name": h(name)}
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[_button(_("Skip: no phone"), RegisterStep(do="skip"))]]
    )
    return text, keyboard


def registration_summary(
    name: str, label: str, relation: Relation, phone: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _("<b>Please check before saving:</b>"),
        _("Name: %(name)s") % {"name": h(name)},
        _("Room: %(room)s") % {"room": h(label)},
        _("Relation: %(relation)s") % {"relation": relation_name(relation.value)},
        _("Phone: %(phone)s") % {"phone": h(phone) if phone else _("none")},
    ]
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(_("✅ Save"), RegisterStep(do="save")),
                _button(_("✖ Cancel"), RegisterStep(do="cancel")),
            ]
        ]
    )
    return "\n".join(lines), keyboard
