"""A ticket on screen: its summary, the buttons that make sense for the viewer, the team's
card (with Claim) and the worker's card (with the next steps)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.tickets.info import TicketInfo
from services.tickets.lifecycle import REOPEN_WITHIN
from services.tickets.messages import TicketCard, TicketTakenAway, TicketWork
from services.tickets.permissions import Capacity
from views.outbox import RenderContext, Rendered
from views.text import h
from views.tickets import words
from views.tickets.callbacks import Act, Claim, Rate

TEAM = Capacity(reporter=False, assignee=False, worker=True, leader=False)
ASSIGNEE = Capacity(reporter=False, assignee=True, worker=True, leader=False)
REPORTER = Capacity(reporter=True, assignee=False, worker=False, leader=False)
LEADER = Capacity(reporter=False, assignee=False, worker=False, leader=True)


def summary(info: TicketInfo, zone: ZoneInfo) -> list[str]:
    """The facts of a ticket, a line each."""
    head = f"<b>{h(info.number)}</b> · {words.category(info.category)}"
    if info.urgency == "urgent":
        head += f" · {words.urgency(info.urgency)}"
    lines = [head, "📍 " + words.where(info.location, info.place, info.household)]
    if info.location == "common":
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
    if info.assignee and info.status not in ("new", "cancelled"):
        text += " · " + _("worker: %(name)s") % {"name": h(info.assignee)}
    if info.status == "new":
        text += " · " + _("to be taken by %(when)s") % {"when": words.when(info.claim_due_at, zone)}
    elif info.status in ("claimed", "in_progress", "reopened"):
        text += " · " + _("to be fixed by %(when)s") % {
            "when": words.when(info.resolve_due_at, zone)
        }
    elif info.status == "on_hold" and info.hold_until is not None:
        text += "\n" + _("⏸ %(reason)s, expected by %(day)s") % {
            "reason": h(info.hold_reason or ""),
            # hold_until is the end of the expected day
            "day": words.day(info.hold_until - timedelta(seconds=1), zone),
        }
    if info.resolution_note and info.status in ("resolved", "closed"):
        text += "\n" + _("🔧 Done: %(note)s") % {"note": h(info.resolution_note)}
    if info.rating:
        text += "\n" + words.stars(info.rating)
        if info.rating_comment:
            text += " " + h(info.rating_comment)
    return text


def _button(text: str, data: Act | Claim) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def keyboard(
    info: TicketInfo, viewer: Capacity, now: datetime | None = None
) -> InlineKeyboardMarkup | None:
    """The buttons for what this viewer can do next; none when there is nothing."""
    t, status = info.id, info.status
    rows: list[list[InlineKeyboardButton]] = []
    if viewer.assignee:
        if status in ("claimed", "reopened"):
            rows.append([_button(_("▶ Start work"), Act(a="start", t=t))])
        if status in ("claimed", "reopened", "in_progress"):
            rows.append(
                [
                    _button(_("⏸ On hold"), Act(a="hold", t=t)),
                    _button(_("✅ Fixed it"), Act(a="resolve", t=t)),
                ]
            )
        if status == "on_hold":
            rows.append(
                [
                    _button(_("▶ Resume work"), Act(a="resume", t=t)),
                    _button(_("⏸ New date"), Act(a="hold", t=t)),
                ]
            )
    elif viewer.worker and status == "new":
        rows.append([_button(_("🙋 Claim"), Claim(t=t))])
    if viewer.reporter:
        if status == "new":
            rows.append([_button(_("✖ Cancel my request"), Act(a="cancel", t=t))])
        if status == "resolved":
            rows.append(
                [
                    _button(_("👍 Yes, fixed"), Act(a="fixed", t=t)),
                    _button(_("👎 Not fixed"), Act(a="notfixed", t=t)),
                ]
            )
        if status == "closed":
            row = []
            if info.rating is None:
                row.append(_button(_("⭐ Rate"), Act(a="rate", t=t)))
            if (
                now is not None
                and info.resolved_at is not None
                and now <= info.resolved_at + REOPEN_WITHIN
            ):
                row.append(_button(_("👎 Not fixed after all"), Act(a="notfixed", t=t)))
            if row:
                rows.append(row)
    if viewer.leader and status in ("new", "claimed", "reopened", "in_progress", "on_hold"):
        rows.append([_button(_("👤 Assign to a worker"), Act(a="assign", t=t))])
    media = []
    if info.photos:
        media.append(_button(_("📷 Photos (%(n)s)") % {"n": info.photos}, Act(a="media", t=t)))
    if info.voice:
        media.append(_button(_("🎤 Voice"), Act(a="media", t=t)))
    if media:
        rows.append(media[:1])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def detail(info: TicketInfo, viewer: Capacity, zone: ZoneInfo, now: datetime) -> Rendered:
    return Rendered("\n".join(summary(info, zone)), keyboard(info, viewer, now))


def card(payload: TicketCard, context: RenderContext) -> Rendered:
    """The team's card: Claim while it is new; then it shows who has it."""
    info = payload.ticket
    head = _("🛠 <b>New repair request</b>") if info.status == "new" else _("🛠 Repair request")
    if info.urgency == "urgent" and info.status == "new":
        head = _("🚨 <b>URGENT repair request</b>")
    lines = [head, *summary(info, context.timezone)]
    if info.status != "new" and info.assignee and info.claimed_at:
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


def rating_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    """Five big buttons, best first."""

    def star(n: int) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=f"{n} {'⭐' * n}", callback_data=Rate(t=ticket_id, s=n).pack()
        )

    return InlineKeyboardMarkup(inline_keyboard=[[star(5), star(4)], [star(3), star(2), star(1)]])
