"""A ticket on screen: its summary, the buttons that make sense for the viewer, the team's
card (with Claim) and the worker's card (with the next steps)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from models import Location, TicketStatus, Urgency
from services.tickets.info import TicketInfo
from services.tickets.messages import TicketCard, TicketTakenAway, TicketWork
from services.tickets.permissions import Capacity
from services.tickets.transitions import MACHINE, WORKING, TicketAction, facts
from views.outbox import RenderContext, Rendered
from views.text import h
from views.tickets import words
from views.tickets.callbacks import Act, Claim, Look, Rate, Step

S = TicketStatus
A = TicketAction

TEAM = Capacity(reporter=False, assignee=False, worker=True, leader=False)
ASSIGNEE = Capacity(reporter=False, assignee=True, worker=True, leader=False)
REPORTER = Capacity(reporter=True, assignee=False, worker=False, leader=False)
LEADER = Capacity(reporter=False, assignee=False, worker=False, leader=True)


def summary(info: TicketInfo, zone: ZoneInfo) -> list[str]:
    """The facts of a ticket, a line each."""
    head = f"<b>{h(info.number)}</b> · {words.category(info.category)}"
    if info.urgency is Urgency.URGENT:
        head += f" · {words.urgency(info.urgency)}"
    lines = [head, "📍 " + words.where(info.location, info.place, info.household)]
    if info.location is Location.COMMON:
        lines[-1] += f" ({h(info.household)})"
    if info.description:
        lines.append(f"📝 {h(info.description)}")
    if info.voice:
        lines.append(_("🎤 Told by voice message"))
    if info.photos:
        lines.append(_("📷 Photos: %(n)s") % {"n": info.photos})
    filed = _("🕒 Filed %(when)s by %(name)s") % {
        "when": words.when(info.created_at, zone),
        "name": h(info.reporter),
    }
    if info.on_behalf:
        filed += " " + _("(after %(channel)s)") % {"channel": words.channel(info.channel)}
    lines.append(filed)
    lines.append(status_line(info, zone))
    return lines


def status_line(info: TicketInfo, zone: ZoneInfo) -> str:
    text = _("Status: %(status)s") % {"status": words.status(info.status)}
    if info.assignee and info.status not in (S.NEW, S.CANCELLED):
        text += " · " + _("worker: %(name)s") % {"name": h(info.assignee)}
    if info.status is S.NEW:
        text += " · " + _("to be taken by %(when)s") % {"when": words.when(info.claim_due_at, zone)}
    elif info.status in WORKING:
        text += " · " + _("to be fixed by %(when)s") % {
            "when": words.when(info.resolve_due_at, zone)
        }
    elif info.status is S.ON_HOLD and info.hold_until is not None:
        text += "\n" + _("⏸ %(reason)s, expected by %(day)s") % {
            "reason": h(info.hold_reason or ""),
            # hold_until is the end of the expected day
            "day": words.day(info.hold_until - timedelta(seconds=1), zone),
        }
    if info.resolution_note and info.status in (S.RESOLVED, S.CLOSED):
        text += "\n" + _("🔧 Done: %(note)s") % {"note": h(info.resolution_note)}
    if info.rating:
        text += "\n" + words.stars(info.rating)
        if info.rating_comment:
            text += " " + h(info.rating_comment)
    return text


LABELS = {
    A.START: __("▶ Start work"),
    A.RESUME: __("▶ Resume work"),
    A.HOLD: __("⏸ On hold"),
    A.RESOLVE: __("✅ Fixed it"),
    A.CLAIM: __("🙋 Claim"),
    A.CANCEL: __("✖ Cancel my request"),
    A.CONFIRM: __("👍 Yes, fixed"),
    A.RATE: __("⭐ Rate"),
    A.REOPEN: __("👎 Not fixed"),
    A.ASSIGN: __("👤 Assign to a worker"),
}
# buttons on one row: the worker's next step alone, the other steps side by side
ROWS = {
    A.START: 0,
    A.RESUME: 1,
    A.HOLD: 1,
    A.RESOLVE: 1,
    A.CLAIM: 2,
    A.CANCEL: 3,
    A.CONFIRM: 4,
    A.RATE: 4,
    A.REOPEN: 4,
    A.ASSIGN: 5,
}


def _label(action: TicketAction, status: TicketStatus) -> str:
    if action is A.HOLD and status is S.ON_HOLD:
        return _("⏸ New date")
    if action is A.REOPEN and status is S.CLOSED:
        return _("👎 Not fixed after all")
    return str(LABELS[action])


def step_button(
    info: TicketInfo, action: TicketAction, *, ok: bool = False
) -> InlineKeyboardButton:
    data: Claim | Step = (
        Claim(t=info.id) if action is A.CLAIM else Step(a=action, t=info.id, v=info.version, ok=ok)
    )
    return InlineKeyboardButton(text=_label(action, info.status), callback_data=data.pack())


def keyboard(
    info: TicketInfo, viewer: Capacity, now: datetime | None = None
) -> InlineKeyboardMarkup | None:
    """The buttons for what this viewer may do next, as the state machine says (`now` decides
    whether a fixed ticket can still be reopened); none when there is nothing."""
    rows: dict[int, list[InlineKeyboardButton]] = {}
    for action in MACHINE.actions_for(info.status, viewer.parties, facts(info, now)):
        if action in LABELS:  # a comment is typed, not tapped
            rows.setdefault(ROWS[action], []).append(step_button(info, action))
    buttons = [rows[k] for k in sorted(rows)]
    if info.photos:
        label = _("📷 Photos (%(n)s)") % {"n": info.photos}
        buttons.append([_look(label, Look.MEDIA, info.id)])
    elif info.voice:
        buttons.append([_look(_("🎤 Voice"), Look.MEDIA, info.id)])
    return InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None


def _look(text: str, look: Look, ticket_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=Act(a=look, t=ticket_id).pack())


def details_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_look(_("📋 Details"), Look.SHOW, ticket_id)]])


def moved_on(info: TicketInfo) -> str:
    """A button tapped on a message the ticket has moved on from: where it stands now."""
    values = {"number": h(info.number), "status": words.status(info.status)}
    if info.status is S.CLOSED and info.rating:
        values["stars"] = words.stars(info.rating)
        return _("%(number)s is already closed and rated %(stars)s. Nothing was changed.") % values
    return (
        _("%(number)s has changed since this message: it is now %(status)s. Nothing was changed.")
        % values
    )


def confirm_cancel(info: TicketInfo) -> Rendered:
    """One more tap before a request is withdrawn."""
    keep = _look(_("↩ No, keep it"), Look.KEEP, info.id)
    sure = InlineKeyboardButton(
        text=_("✖ Yes, cancel it"),
        callback_data=Step(a=A.CANCEL, t=info.id, v=info.version, ok=True).pack(),
    )
    return Rendered(
        _("Cancel %(number)s? Are you sure?") % {"number": h(info.number)},
        InlineKeyboardMarkup(inline_keyboard=[[sure, keep]]),
    )


def confirm_reopen(info: TicketInfo) -> Rendered:
    keep = _look(_("👍 No, it is fine"), Look.KEEP, info.id)
    sure = InlineKeyboardButton(
        text=_("👎 Yes, reopen it"),
        callback_data=Step(a=A.REOPEN, t=info.id, v=info.version, ok=True).pack(),
    )
    return Rendered(
        _("Reopen %(number)s and send it back to %(name)s? Are you sure?")
        % {"number": h(info.number), "name": h(info.assignee or "")},
        InlineKeyboardMarkup(inline_keyboard=[[sure, keep]]),
    )


def detail(info: TicketInfo, viewer: Capacity, zone: ZoneInfo, now: datetime) -> Rendered:
    return Rendered("\n".join(summary(info, zone)), keyboard(info, viewer, now))


def card(payload: TicketCard, context: RenderContext) -> Rendered:
    """The team's card: Claim while it is new; then it shows who has it."""
    info = payload.ticket
    head = _("🛠 <b>New repair request</b>") if info.status is S.NEW else _("🛠 Repair request")
    if info.urgency is Urgency.URGENT and info.status is S.NEW:
        head = _("🚨 <b>URGENT repair request</b>")
    lines = [head, *summary(info, context.timezone)]
    if info.status is not S.NEW and info.assignee and info.claimed_at:
        lines.append(
            _("🙋 Taken by %(name)s at %(when)s")
            % {"name": h(info.assignee), "when": words.when(info.claimed_at, context.timezone)}
        )
    return Rendered("\n".join(lines), keyboard(info, TEAM), edit_message_id=payload.edit_message_id)


def work(payload: TicketWork, context: RenderContext) -> Rendered:
    """To the worker who has the ticket: why, the facts, and the next steps."""
    info = payload.ticket
    why = payload.why
    if why == "assigned":
        head = _("👤 %(leader)s gave you ticket %(number)s.") % {
            "leader": h(payload.by or ""),
            "number": h(info.number),
        }
    elif why == "reopened":
        head = _("↩️ Ticket %(number)s was reopened: the resident says it is not fixed.") % {
            "number": h(info.number)
        }
    else:
        head = _("🙋 You have ticket %(number)s. Thank you!") % {"number": h(info.number)}
    if why == "reopened" and payload.reason:
        head += "\n" + _("💬 %(reason)s") % {"reason": h(payload.reason)}
    return Rendered("\n".join([head, *summary(info, context.timezone)]), keyboard(info, ASSIGNEE))


def taken_away(payload: TicketTakenAway, context: RenderContext) -> Rendered:
    info = payload.ticket
    return Rendered(
        _("👤 %(leader)s gave ticket %(number)s to %(name)s. You need not do it any more.")
        % {
            "leader": h(payload.by),
            "number": h(info.number),
            "name": h(info.assignee or ""),
        }
    )


def rating_keyboard(info: TicketInfo) -> InlineKeyboardMarkup:
    """Five big buttons, best first."""

    def star(n: int) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=f"{n} {'⭐' * n}", callback_data=Rate(t=info.id, v=info.version, s=n).pack()
        )

    return InlineKeyboardMarkup(inline_keyboard=[[star(5), star(4)], [star(3), star(2), star(1)]])
