"""How the visit list (🚪 上门名单) looks: one page of households to see in person, grouped by
what they are to be told (each feature names its kind: `Feature.visit_kinds`), and one
household with big buttons for what happened at the door."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from models import VisitOutcome
from services.access import Role
from services.courtyards import CourtyardInfo
from services.visits import VisitInfo
from views.callbacks import Id, Index, PickCourtyard
from views.menu import CommandEntry, MenuItem
from views.text import h, local_time

# kind -> the title of one ref of it, e.g. ("notice", "7") -> "停水通知（12月3日）"
VisitTitle = Callable[[str, Callable[[str], str]], str]
VisitKinds = Mapping[str, VisitTitle]

PER_PAGE = 8
MARKS = ("①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧")

VISIT_LIST = __("🚪 Visit list")
LEADERS = (Role.GRID_LEADER, Role.ADMIN)
MENU = (MenuItem(VISIT_LIST, LEADERS, 55),)
_HELP = (__("🚪 Visit list: households to tell in person, and what happened at the door"),)
HELP_LINES = {Role.GRID_LEADER: _HELP, Role.ADMIN: _HELP}
COMMANDS = (CommandEntry("visits", __("Households to visit in person"), LEADERS),)

REASONS = {
    "unreachable": __("cannot be reached on Telegram"),
    "arrears": __("fees unpaid"),
}
OUTCOMES = {
    VisitOutcome.TOLD: __("✅ Told"),
    VisitOutcome.NOT_HOME: __("🚪 Not home"),
    VisitOutcome.REFUSED: __("✖ Refused"),
    VisitOutcome.OTHER: __("Done another way"),
}
BUTTONS = (VisitOutcome.TOLD, VisitOutcome.NOT_HOME, VisitOutcome.REFUSED)


class VisitPage(CallbackData, prefix="vp"):
    c: Id  # courtyard
    p: Index  # page


class VisitLook(CallbackData, prefix="vl"):
    t: Id  # visit task
    p: Index  # the list's page to go back to


class VisitMark(CallbackData, prefix="vm"):
    t: Id
    o: VisitOutcome
    p: Index


def title(kinds: VisitKinds, kind: str, ref: str) -> str:
    """What the households of (kind, ref) are to be told; a kind nobody named shows as is."""
    named = kinds.get(kind)
    return named(ref, _) if named is not None else f"{kind} {ref}"


def pick_courtyard(yards: Sequence[CourtyardInfo]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [InlineKeyboardButton(text=c.name, callback_data=PickCourtyard(mode="vl", c=c.id).pack())]
        for c in yards
    ]
    return _("🚪 Visit list: which courtyard?"), InlineKeyboardMarkup(inline_keyboard=rows)


def _button(visit: VisitInfo, mark: str, page: int) -> InlineKeyboardButton:
    text = f"{mark} {visit.household}"
    if visit.owner_name:
        text += f" · {visit.owner_name}"
    if visit.tries:
        text += " · " + _("not home ×%(n)s") % {"n": visit.tries}
    return InlineKeyboardButton(text=text, callback_data=VisitLook(t=visit.id, p=page).pack())


def visit_list(
    courtyard: CourtyardInfo,
    found: Sequence[VisitInfo],
    page: int,
    kinds: VisitKinds,
    done: str | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page: the groups on it numbered ①②, a big button per household (its group's mark
    first), ◀ ▶ under a list longer than a page. `done`: what was just recorded, on top."""
    head = [done] if done else []
    if not found:
        text = _("🚪 %(courtyard)s: nobody left to visit. Thank you!") % {
            "courtyard": h(courtyard.name)
        }
        return "\n\n".join([*head, text]), None
    pages = (len(found) + PER_PAGE - 1) // PER_PAGE
    page = min(page, pages - 1)
    shown = found[page * PER_PAGE : (page + 1) * PER_PAGE]
    totals: dict[tuple[str, str], int] = {}
    for visit in found:
        totals[(visit.kind, visit.ref)] = totals.get((visit.kind, visit.ref), 0) + 1
    # every group named on every page (the total above adds up), unless there are more
    # groups than marks: then those on this page
    groups = list(dict.fromkeys((v.kind, v.ref) for v in found))
    if len(groups) > len(MARKS):
        groups = list(dict.fromkeys((v.kind, v.ref) for v in shown))
    lines = [
        _("🚪 Visit list · %(courtyard)s: %(n)s households")
        % {
            "courtyard": h(courtyard.name),
            "n": len(found),
        }
    ]
    for index, (kind, ref) in enumerate(groups):
        lines.append(
            _("%(mark)s %(title)s (%(n)s households)")
            % {"mark": MARKS[index], "title": h(title(kinds, kind, ref)), "n": totals[(kind, ref)]}
        )
    lines.append(_("Tap a household when you have been there."))
    rows = [[_button(v, MARKS[groups.index((v.kind, v.ref))], page)] for v in shown]
    if pages > 1:
        turn = []
        if page > 0:
            turn.append(_nav("◀", courtyard.id, page - 1))
        turn.append(_nav(f"{page + 1}/{pages}", courtyard.id, page))
        if page < pages - 1:
            turn.append(_nav("▶", courtyard.id, page + 1))
        rows.append(turn)
    return "\n\n".join([*head, "\n".join(lines)]), InlineKeyboardMarkup(inline_keyboard=rows)


def _nav(text: str, courtyard_id: int, page: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=VisitPage(c=courtyard_id, p=page).pack())


def household(
    visit: VisitInfo, kinds: VisitKinds, page: int, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    """One household: who to ask for, how to phone, what to tell them, and the outcomes."""
    lines = [f"🏠 <b>{h(visit.household)}</b>"]
    if visit.owner_name or visit.phone:
        who = " ".join(
            part
            for part in (
                f"👤 {h(visit.owner_name)}" if visit.owner_name else "",
                f"📞 {h(visit.phone)}" if visit.phone else "",
            )
            if part
        )
        lines.append(who)
    lines.append(_("To tell: %(what)s") % {"what": h(title(kinds, visit.kind, visit.ref))})
    reason = REASONS.get(visit.reason)
    lines.append(_("Why: %(reason)s") % {"reason": h(str(reason) if reason else visit.reason)})
    if visit.tries and visit.tried_at is not None and visit.outcome is not None:
        lines.append(
            _("Visited %(n)s times; last: %(outcome)s, %(when)s")
            % {
                "n": visit.tries,
                "outcome": OUTCOMES[visit.outcome],
                "when": local_time(visit.tried_at, zone),
            }
        )
    lines.append(_("What happened at the door?"))
    marks = [
        InlineKeyboardButton(
            text=str(OUTCOMES[o]), callback_data=VisitMark(t=visit.id, o=o, p=page).pack()
        )
        for o in BUTTONS
    ]
    back = InlineKeyboardButton(
        text=_("↩ Back"), callback_data=VisitPage(c=visit.courtyard_id, p=page).pack()
    )
    rows = [marks[:2], [marks[2], back]]
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def recorded(visit: VisitInfo) -> str:
    """The line on top of the list after a visit was recorded."""
    assert visit.outcome is not None
    if visit.done_at is None:
        return _("🚪 %(household)s: not home. It stays on the list for another try.") % {
            "household": h(visit.household)
        }
    return _("%(outcome)s: %(household)s. Done.") % {
        "outcome": OUTCOMES[visit.outcome],
        "household": h(visit.household),
    }


def recorded_alert(visit: VisitInfo) -> str:
    assert visit.outcome is not None
    return f"{OUTCOMES[visit.outcome]} · {visit.household}"
