"""Outbox messages about tickets: news for the reporter, feedback for the worker, deadline
reminders and escalations, and the team's morning digest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.utils.i18n import gettext as _

from services.tickets.info import TicketInfo
from services.tickets.lifecycle import AUTO_CLOSE_AFTER
from views.outbox import RenderContext, Rendered, renders
from views.text import h
from views.tickets import words
from views.tickets.cards import (
    ASSIGNEE,
    LEADER,
    REPORTER,
    TEAM,
    details_keyboard,
    keyboard,
    status_line,
    summary,
)


def _values(info: TicketInfo, payload: dict[str, Any]) -> dict[str, str]:
    return {
        "number": h(info.number),
        "name": h(info.assignee or ""),
        "by": h(payload.get("by") or ""),
        "category": words.category(info.category),
    }


@renders("ticket.update")
def update(payload: dict[str, Any], context: RenderContext) -> Rendered:
    """A change of the reporter's ticket, by someone else."""
    info = TicketInfo.from_payload(payload)
    action = payload.get("action")
    texts = {
        "claimed": _("🙋 %(name)s has taken your repair request %(number)s (%(category)s)."),
        "assigned": _("👤 Your repair request %(number)s (%(category)s) is now with %(name)s."),
        "started": _("🔧 %(name)s has started work on %(number)s."),
        "held": _("⏸ %(number)s is on hold."),
        "resumed": _("▶ Work on %(number)s has resumed."),
        "confirmed": _("👍 %(by)s confirmed that %(number)s is fixed."),
        "reopened": _("↩️ %(by)s said %(number)s is not fixed; it was reopened."),
        "cancelled": _("✖️ %(by)s cancelled %(number)s."),
    }
    text = texts.get(str(action), _("%(number)s has changed.")) % _values(info, payload)
    lines = [text, status_line(info, context.timezone)]
    if action in ("claimed", "assigned"):
        lines.append(_("You will get a message when it is fixed."))
    return Rendered("\n".join(lines), details_keyboard(info.id))


@renders("ticket.resolved")
def resolved(payload: dict[str, Any], context: RenderContext) -> Rendered:
    """Fixed, says the worker: is it? (with the after-photo, if there is one)"""
    info = TicketInfo.from_payload(payload)
    lines = [
        _("✅ %(name)s says %(number)s is fixed.") % _values(info, payload),
        _("🔧 Done: %(note)s") % {"note": h(info.resolution_note or "")},
        _("<b>Is it fixed?</b> Please tell us. Without an answer it closes in %(days)s days.")
        % {"days": AUTO_CLOSE_AFTER.days},
    ]
    # as of the fix: 👎 stays on the message for as long as reopening is allowed
    buttons = keyboard(info, REPORTER, info.resolved_at)
    return Rendered("\n".join(lines), buttons, photo=info.after_photo)


@renders("ticket.autoclosed")
def autoclosed(payload: dict[str, Any], context: RenderContext) -> Rendered:
    info = TicketInfo.from_payload(payload)
    until = datetime.fromisoformat(payload["reopen_until"])
    return Rendered(
        _(
            "☑️ %(number)s was closed, as we had no answer for %(days)s days. "
            "Not fixed after all? You can reopen it until %(until)s."
        )
        % {
            "number": h(info.number),
            "until": words.when(until, context.timezone),
            "days": AUTO_CLOSE_AFTER.days,
        },
        keyboard(info, REPORTER, until),
    )


@renders("ticket.filed_for_you")
def filed_for_you(payload: dict[str, Any], context: RenderContext) -> Rendered:
    info = TicketInfo.from_payload(payload)
    head = _("📞 %(by)s filed a repair request for your home %(household)s, after %(channel)s:") % {
        "by": h(payload.get("by") or ""),
        "household": h(info.household),
        "channel": words.channel(info.channel),
    }
    return Rendered("\n".join([head, *summary(info, context.timezone)]), details_keyboard(info.id))


@renders("ticket.feedback")
def feedback(payload: dict[str, Any], context: RenderContext) -> Rendered:
    """To the worker: the reporter confirmed, rated, or commented."""
    info = TicketInfo.from_payload(payload)
    values = {"number": h(info.number), "reporter": h(info.reporter)}
    action = payload.get("action")
    if action == "rated":
        text = _("⭐ %(number)s was rated: %(stars)s") % {
            **values,
            "stars": words.stars(info.rating or 0),
        }
    elif action == "commented":
        text = _("💬 About %(number)s: %(comment)s") % {
            **values,
            "comment": h(info.rating_comment or ""),
        }
    else:
        text = _("👍 The fix of %(number)s was confirmed. Thank you!") % values
    return Rendered(text)


@renders("ticket.alert")
def alert(payload: dict[str, Any], context: RenderContext) -> Rendered:
    """Deadline reminders (to the team or the worker) and escalations (leaders, admins)."""
    info = TicketInfo.from_payload(payload)
    zone = context.timezone
    step = str(payload.get("step"))
    due = words.when(datetime.fromisoformat(payload["due"]), zone)
    values = {"number": h(info.number), "due": due, "name": h(info.assignee or "")}
    texts = {
        "claim-remind": (_("⏰ %(number)s is not taken yet. Please claim it by %(due)s."), TEAM),
        "claim-leaders": (_("⚠️ Overdue: nobody took %(number)s by %(due)s."), LEADER),
        "claim-admins": (
            _("🚨 Long overdue: %(number)s is still not taken (deadline %(due)s)."),
            LEADER,
        ),
        "resolve-remind": (_("⏰ %(number)s should be fixed by %(due)s."), ASSIGNEE),
        "resolve-leaders": (
            _("⚠️ Overdue: %(number)s (%(name)s) was not fixed by %(due)s."),
            LEADER,
        ),
        "resolve-admins": (
            _("🚨 Long overdue: %(number)s (%(name)s) is still not fixed (deadline %(due)s)."),
            LEADER,
        ),
        "hold-due": (
            _("⏰ %(number)s has been on hold until today. Resume the work or set a new date."),
            ASSIGNEE,
        ),
        "hold-leaders": (_("⚠️ %(number)s (%(name)s) is on hold past its expected date."), LEADER),
    }
    text, viewer = texts.get(step, (_("⏰ %(number)s needs attention."), LEADER))
    lines = [text % values, *summary(info, zone)]
    return Rendered("\n".join(lines), keyboard(info, viewer))


@renders("ticket.digest")
def digest(payload: dict[str, Any], context: RenderContext) -> Rendered:
    counts: dict[str, int] = payload.get("counts", {})
    lines = [
        _("☀️ Good morning. Open repair tickets in %(courtyard)s: %(total)s")
        % {"courtyard": h(payload["courtyard"]), "total": payload["total"]}
    ]
    if payload.get("urgent"):
        lines[0] += " " + _("(urgent: %(n)s)") % {"n": payload["urgent"]}
    for status, count in counts.items():
        lines.append(f"• {words.status(status)}: {count}")
    if payload.get("overdue_count"):
        shown = ", ".join(h(n) for n in payload["overdue"])
        if payload["overdue_count"] > len(payload["overdue"]):
            shown += " …"
        lines.append(
            _("⚠️ Overdue (%(n)s): %(numbers)s") % {"n": payload["overdue_count"], "numbers": shown}
        )
    return Rendered("\n".join(lines))
