"""Lists of tickets: a resident's requests, a worker's tickets, a courtyard's open tickets
(overdue first), and /stats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import ALL_CATEGORIES, TicketCategory, TicketStatus, Urgency
from services.tickets.deadlines import Setting
from services.tickets.queries import OpenTickets, Page, Requests, TicketLine, WorkList
from services.tickets.stats import Figures, Stats
from views.text import h
from views.tickets import words
from views.tickets.callbacks import Act, Claim, ListKind, ListPage, Look

S = TicketStatus


def _show(line: TicketLine) -> InlineKeyboardButton:
    label = f"{line.number} · {words.category(line.category)}"
    return InlineKeyboardButton(text=label, callback_data=Act(a=Look.SHOW, t=line.id).pack())


def _pages(page: Page, kind: ListKind, courtyard_id: int = 0) -> list[list[InlineKeyboardButton]]:
    """◀ 2/5 ▶ under a list longer than a page; nothing for one page."""
    if page.count <= 1:
        return []
    row = []
    if page.has_previous:
        back = ListPage(k=kind, c=courtyard_id, p=page.number - 1)
        row.append(InlineKeyboardButton(text="◀", callback_data=back.pack()))
    row.append(
        InlineKeyboardButton(
            text=f"{page.number + 1}/{page.count}",
            callback_data=ListPage(k=kind, c=courtyard_id, p=page.number).pack(),
        )
    )
    if page.has_next:
        on = ListPage(k=kind, c=courtyard_id, p=page.number + 1)
        row.append(InlineKeyboardButton(text="▶", callback_data=on.pack()))
    return [row]


def next_step(line: TicketLine, zone: ZoneInfo) -> str:
    """What happens next, as a resident would ask it."""
    values = {"name": h(line.assignee or ""), "due": words.when(line.due, zone) if line.due else ""}
    if line.status is S.NEW:
        return _("Waiting for a worker to take it (by %(due)s).") % values
    if line.status in (S.CLAIMED, S.REOPENED):
        return _("%(name)s will come to fix it (by %(due)s).") % values
    if line.status is S.IN_PROGRESS:
        return _("%(name)s is fixing it (by %(due)s).") % values
    if line.status is S.ON_HOLD:
        return _("On hold; expected by %(due)s.") % values
    if line.status is S.RESOLVED:
        return _("Please tell us if it is fixed.")
    if line.status is S.CLOSED and not line.rated:
        return _("You can rate the repair.")
    return ""


def my_requests(found: Requests, zone: ZoneInfo) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = found.lines
    if not lines:
        return _("You have no repair requests. Tap 🛠 Report a repair when something breaks."), None
    out = [_("<b>📋 My requests</b>")]
    for line in lines:
        out.append(
            f"\n<b>{h(line.number)}</b> · {words.category(line.category)}"
            f"\n{words.status(line.status)} · {words.when(line.since, zone)}"
        )
        step = next_step(line, zone)
        if step:
            out.append("➡ " + step)
    rows = [[_show(line)] for line in lines] + _pages(found.page, ListKind.REQUESTS)
    return "\n".join(out), InlineKeyboardMarkup(inline_keyboard=rows)


def my_tickets(
    work: WorkList, zone: ZoneInfo, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    out = [_("<b>🔧 My tickets</b>")]
    rows: list[list[InlineKeyboardButton]] = []
    if not work.mine:
        out.append(_("You have no open tickets."))
    for line in work.mine:
        mark = "⚠️ " if line.overdue else ""
        due = words.when(line.due, zone) if line.due else "-"
        out.append(
            f"{mark}<b>{h(line.number)}</b> · {words.category(line.category)} · "
            f"{words.status(line.status)} · " + _("due %(due)s") % {"due": due}
        )
        rows.append([_show(line)])
    if work.to_claim:
        out.append("\n" + _("<b>Waiting to be taken:</b>"))
        for line in work.to_claim:
            urgent = "🚨 " if line.urgency is Urgency.URGENT else ""
            out.append(
                f"{urgent}<b>{h(line.number)}</b> · {words.category(line.category)} · "
                + words.ago((now - line.created_at).total_seconds())
            )
            rows.append(
                [
                    InlineKeyboardButton(
                        text=_("🙋 Claim %(number)s") % {"number": line.number},
                        callback_data=Claim(t=line.id).pack(),
                    )
                ]
            )
    rows += _pages(work.page, ListKind.MINE)
    return "\n".join(out), InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def open_tickets(
    board: OpenTickets, zone: ZoneInfo, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not board.total:
        return _("No open tickets in %(courtyard)s. 👍") % {"courtyard": h(board.courtyard)}, None
    out = [
        _("<b>Open tickets in %(courtyard)s: %(total)s</b>")
        % {"courtyard": h(board.courtyard), "total": board.total}
    ]
    out.append(
        " · ".join(
            _("%(status)s: %(n)s") % {"status": words.status(s), "n": n}
            for s, n in board.counts.items()
        )
    )
    if board.overdue:
        out.append(_("⚠️ Overdue: %(n)s") % {"n": board.overdue})
    out.append("")
    for line in board.lines:
        mark = "⚠️ " if line.overdue else ("🚨 " if line.urgency is Urgency.URGENT else "")
        age = words.duration((now - line.created_at).total_seconds())
        who = f" · {h(line.assignee)}" if line.assignee else ""
        out.append(
            f"{mark}<b>{h(line.number)}</b> · {words.category(line.category)} · "
            f"{words.status(line.status)}{who} · {age}"
        )
    rows = [[_show(line)] for line in board.lines]
    rows += _pages(board.page, ListKind.OPEN, board.courtyard_id)
    return "\n".join(out), InlineKeyboardMarkup(inline_keyboard=rows)


def _figures(f: Figures) -> str:
    parts = [
        _("filed %(n)s") % {"n": f.filed},
        _("open %(n)s") % {"n": f.open},
        _("fixed %(n)s") % {"n": f.resolved},
    ]
    if f.cancelled:
        parts.append(_("cancelled %(n)s") % {"n": f.cancelled})
    line = parts[0]
    for part in parts[1:]:  # "报修 3，未完成 2": the comma of the language
        line = _("%(figures)s, %(figure)s") % {"figures": line, "figure": part}
    if f.median_claim_seconds is not None:
        line += "\n  " + _("median time to take: %(t)s") % {
            "t": words.duration(f.median_claim_seconds)
        }
    if f.median_resolve_seconds is not None:
        line += "\n  " + _("median time to fix: %(t)s") % {
            "t": words.duration(f.median_resolve_seconds)
        }
    if f.in_time_share is not None:
        line += "\n  " + _("fixed within the deadline: %(p)s%% (%(k)s of %(n)s)") % {
            "p": round(f.in_time_share * 100),
            "k": f.resolved_in_time,
            "n": f.resolved,
        }
    if f.average_rating is not None:
        line += "\n  " + _("average rating: %(r)s ★ (%(n)s ratings)") % {
            "r": f"{f.average_rating:.1f}",
            "n": f.rated,
        }
    return line


def stats(found: Stats, zone: ZoneInfo) -> str:
    where = h(found.courtyard) if found.courtyard else _("all courtyards")
    out = [
        _("<b>📊 Repairs in %(where)s</b>, %(since)s to %(until)s")
        % {
            "where": where,
            "since": words.day(found.since, zone),
            "until": words.day(found.until, zone),
        }
    ]
    if not found.total.filed:
        out.append(_("No tickets were filed in these 30 days."))
        return "\n".join(out)
    out.append(_("<b>All</b>: ") + _figures(found.total))
    out.extend(
        f"\n<b>{words.category(figures.category)}</b>: " + _figures(figures)
        for figures in found.by_category
    )
    return "\n".join(out)


def deadline_settings(courtyard: str, settings: Sequence[Setting]) -> str:
    out = [_("<b>⏱ Repair deadlines in %(courtyard)s</b>") % {"courtyard": h(courtyard)}]
    for s in settings:
        which = _("all categories") if s.category == ALL_CATEGORIES else words.category(s.category)
        line = _("%(which)s, %(urgency)s: take within %(claim)s, fix within %(resolve)s") % {
            "which": which,
            "urgency": words.urgency(s.urgency.value),
            "claim": words.duration(s.window.claim_minutes * 60),
            "resolve": words.duration(s.window.resolve_minutes * 60),
        }
        if s.default:
            line += " " + _("(default)")
        out.append("• " + line)
    out.append(
        _(
            "To change: /deadline CATEGORY URGENCY TAKE FIX, for example "
            "/deadline elevator urgent 15m 12h, or /deadline all normal 4h 3d. "
            "Categories: %(categories)s."
        )
        % {
            "categories": _(", ").join(
                _("%(name)s (%(code)s)") % {"name": words.category(c), "code": c.value}
                for c in TicketCategory
            )
        }
    )
    return "\n".join(out)
