"""Outbox messages about tickets: news for the reporter, feedback for the worker, deadline
reminders and escalations, and the team's morning digest."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from services.tickets.info import TicketInfo
from services.tickets.lifecycle import AUTO_CLOSE_AFTER
from services.tickets.messages import (
    TicketAlert,
    TicketAutoClosed,
    TicketDigest,
    TicketFeedback,
    TicketFiledForYou,
    TicketResolved,
    TicketUpdate,
)
from views.outbox import RenderContext, Rendered
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


def _values(info: TicketInfo, by: str | None = None) -> dict[str, str]:
    return {
        "number": h(info.number),
        "name": h(info.assignee or ""),
        "by": h(by or ""),
        "category": words.category(info.category),
    }


def update(payload: TicketUpdate, context: RenderContext) -> Rendered:
    """A change of the reporter's ticket, by someone else."""
    info = payload.ticket
    action = payload.action
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
    text = texts.get(action, _("%(number)s has changed.")) % _values(info, payload.by)
    lines = [text, status_line(info, context.timezone)]
    if action in ("claimed", "assigned"):
        lines.append(_("You will get a message when it is fixed."))
    return Rendered("\n".join(lines), details_keyboard(info.id))


def resolved(payload: TicketResolved, context: RenderContext) -> Rendered:
    """Fixed, says the worker: is it? (with the after-photo, if there is one)"""
    info = payload.ticket
    lines = [
        _("✅ %(name)s says %(number)s is fixed.") % _values(info, payload.by),
        _("🔧 Done: %(note)s") % {"note": h(info.resolution_note or "")},
        _("<b>Is it fixed?</b> Please tell us. Without an answer it closes in %(days)s days.")
        % {"days": AUTO_CLOSE_AFTER.days},
    ]
    # as of the fix: 👎 stays on the message for as long as reopening is allowed
    buttons = keyboard(info, REPORTER, info.resolved_at)
    return Rendered("\n".join(lines), buttons, photo=info.after_photo)


def autoclosed(payload: TicketAutoClosed, context: RenderContext) -> Rendered:
    info = payload.ticket
    until = payload.reopen_until
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


def filed_for_you(payload: TicketFiledForYou, context: RenderContext) -> Rendered:
    info = payload.ticket
    head = _("📞 %(by)s filed a repair request for your home %(household)s, after %(channel)s:") % {
        "by": h(payload.by),
        "household": h(info.household),
        "channel": words.channel(info.channel),
    }
    return Rendered("\n".join([head, *summary(info, context.timezone)]), details_keyboard(info.id))


def feedback(payload: TicketFeedback, context: RenderContext) -> Rendered:
    """To the worker: the reporter confirmed, rated, or commented."""
    info = payload.ticket
    values = {"number": h(info.number), "reporter": h(info.reporter)}
    action = payload.action
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


def alert(payload: TicketAlert, context: RenderContext) -> Rendered:
    """Deadline reminders (to the team or the worker) and escalations (leaders, admins)."""
    info = payload.ticket
    zone = context.timezone
    step = payload.step
    due = words.when(payload.due, zone)
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


def digest(payload: TicketDigest, context: RenderContext) -> Rendered:
    lines = [
        _("☀️ Good morning. Open repair tickets in %(courtyard)s: %(total)s")
        % {"courtyard": h(payload.courtyard), "total": payload.total}
    ]
    if payload.urgent:
        lines[0] += " " + _("(urgent: %(n)s)") % {"n": payload.urgent}
    for status, count in payload.counts.items():
        lines.append(f"• {words.status(status)}: {count}")
    if payload.overdue_count:
        shown = _(", ").join(h(n) for n in payload.overdue)
        if payload.overdue_count > len(payload.overdue):
            shown += " …"
        lines.append(
            _("⚠️ Overdue (%(n)s): %(numbers)s") % {"n": payload.overdue_count, "numbers": shown}
        )
    return Rendered("\n".join(lines))
