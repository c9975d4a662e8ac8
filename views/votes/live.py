"""The organizer's live view: the four ratios against their thresholds, the distance to
passing, participation per building; the private list of households that have not voted."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import VoteStatus
from services.votes.rules import Threshold
from services.votes.tally import NonVoter, Tally
from views.text import h
from views.votes import words
from views.votes.callbacks import Organize


def _threshold(t: Threshold | None) -> str:
    if t is None:
        return _("no quorum needed")
    share = f"{t.share.numerator}/{t.share.denominator}"
    return (_("needs at least %(share)s") if t.at_least else _("needs more than %(share)s")) % {
        "share": share
    }


def view(
    result: Tally, zone: ZoneInfo, *, can_enter: bool, can_close: bool
) -> tuple[str, InlineKeyboardMarkup]:
    v, s = result.verdict, result.verdict.shortfall
    lines = [
        _("📊 <b>%(title)s</b> (%(status)s)")
        % {"title": h(result.title), "status": words.status(result.status.value)},
        words.rule(result.rule, result.matter),
        _("Closes %(when)s.") % {"when": words.when(result.closes_at, zone)},
        "",
        _("Took part: %(heads)s of %(total)s households (%(share)s), %(threshold)s")
        % {
            "heads": result.took_part.heads,
            "total": result.total.heads,
            "share": words.share(result.participation_heads),
            "threshold": _threshold(result.rules.participation),
        },
    ]
    if result.rules.by_area:
        lines.append(
            _("Took part by area: %(area)s of %(total)s m² (%(share)s)")
            % {
                "area": words.area(result.took_part.area),
                "total": words.area(result.total.area),
                "share": words.share(result.participation_area),
            }
        )
    lines.extend(
        _("%(n)s. %(text)s: %(heads)s households, %(area)s m²")
        % {"n": o.position, "text": h(o.text), "heads": o.heads, "area": words.area(o.area)}
        for o in result.options
    )
    lead = result.leader()
    if lead is not None:
        lines.append(
            _(
                "Leading: option %(n)s with %(heads)s of those voting, %(area)s of their "
                "area; %(threshold)s"
            )
            % {
                "n": lead.position,
                "heads": words.share(result.approval_heads),
                "area": words.share(result.approval_area),
                "threshold": _threshold(result.rules.approval),
            }
        )
    if s.participation_heads or s.participation_area:
        lines.append(
            _("Still needed to take part: %(heads)s households and %(area)s m².")
            % {"heads": s.participation_heads, "area": words.area(s.participation_area)}
        )
    if v.quorum and v.outcome.value != "passed" and lead is not None:
        lines.append(
            _(
                "For option %(n)s to pass, %(heads)s more households (%(area)s m²) would "
                "have to choose it."
            )
            % {"n": lead.position, "heads": s.approval_heads, "area": words.area(s.approval_area)}
        )
    lines.append(
        _("If it closed now: %(outcome)s.") % {"outcome": str(words.OUTCOMES[v.outcome.value])}
    )
    if result.buildings:
        lines.append("")
        lines.append(_("By building:"))
        lines.extend(
            _("%(building)s: %(voted)s of %(total)s households")
            % {"building": h(b.building), "voted": b.voted, "total": b.households}
            for b in result.buildings
        )
    rows = [
        [
            InlineKeyboardButton(
                text=_("🔄 Refresh"), callback_data=Organize(v=result.vote_id, a="live").pack()
            )
        ],
    ]
    if result.status in (VoteStatus.CLOSED, VoteStatus.FINAL):
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("📄 Protocol (XLSX)"),
                    callback_data=Organize(v=result.vote_id, a="xlsx").pack(),
                ),
                InlineKeyboardButton(
                    text=_("📄 Protocol (PDF)"),
                    callback_data=Organize(v=result.vote_id, a="pdf").pack(),
                ),
            ]
        )
    if result.status is VoteStatus.OPEN and can_enter:
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("🚪 Not voted yet"),
                    callback_data=Organize(v=result.vote_id, a="waiting").pack(),
                )
            ]
        )
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("📝 Enter a paper ballot"),
                    callback_data=Organize(v=result.vote_id, a="paper").pack(),
                )
            ]
        )
        if can_close:
            rows.append(
                [
                    InlineKeyboardButton(
                        text=_("⏹ Close early"),
                        callback_data=Organize(v=result.vote_id, a="close").pack(),
                    )
                ]
            )
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def waiting(title: str, homes: list[NonVoter]) -> str:
    if not homes:
        return _("Every household has voted on %(title)s.") % {"title": h(title)}
    head = _("🚪 Not voted yet on %(title)s (%(n)s households; for you only):") % {
        "title": h(title),
        "n": len(homes),
    }
    lines = [
        " ".join(x for x in (h(w.label), h(w.owner_name or ""), h(w.phone or "")) if x)
        for w in homes[:100]
    ]
    if len(homes) > 100:
        lines.append(_("… and %(n)s more") % {"n": len(homes) - 100})
    return "\n".join([head, *lines])


def list_for_organizer(rows: list[tuple[int, str, str]]) -> tuple[str, InlineKeyboardMarkup]:
    """(id, title, status) of a courtyard's votes."""
    if not rows:
        return _("No votes yet. Start one with 🗳 New vote."), InlineKeyboardMarkup(
            inline_keyboard=[]
        )
    buttons = [
        [
            InlineKeyboardButton(
                text=f"#{i} {t[:40]} ({words.status(s)})",
                callback_data=Organize(v=i, a="live").pack(),
            )
        ]
        for i, t, s in rows[:20]
    ]
    return _("🗳 Votes:"), InlineKeyboardMarkup(inline_keyboard=buttons)
