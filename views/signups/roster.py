"""The organizer's check-in list: the slots, then a slot's names and rooms with ✅ buttons."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.signups.roster import Entry, Roster
from views.signups import words
from views.signups.callbacks import CheckIn, Manage, OpenGathering, RosterSlot
from views.text import h

Screen = tuple[str, InlineKeyboardMarkup | None]


def slots(roster: Roster, zone: ZoneInfo) -> Screen:
    info = roster.gathering
    booked = sum(len(s.booked) for s in roster.slots)
    arrived = sum(s.arrived for s in roster.slots)
    text = "\n".join(
        [
            _("👥 Check-in list: <b>%(title)s</b>") % {"title": h(info.title)},
            words.when(info.starts_at, info.ends_at, zone),
            _("Arrived %(arrived)s of %(booked)s signed up")
            % {"arrived": arrived, "booked": booked},
            _("Choose a time:"),
        ]
    )
    buttons = [
        InlineKeyboardButton(
            text=_("%(time)s · %(taken)s/%(capacity)s")
            % {
                "time": words.times(s.slot.starts_at, s.slot.ends_at, zone),
                "taken": len(s.booked),
                "capacity": s.slot.capacity,
            },
            callback_data=RosterSlot(g=info.id, s=s.slot.id).pack(),
        )
        for s in roster.slots
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("📄 List as a spreadsheet"),
                callback_data=Manage(g=info.id, a="export").pack(),
            ),
            InlineKeyboardButton(text=_("↩️ Back"), callback_data=OpenGathering(g=info.id).pack()),
        ]
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _line(number: int, entry: Entry) -> str:
    text = f"{number}. {h(entry.name)} {h(entry.room)}"
    if entry.checked_in:
        text += " ✅"
    if entry.signed_by:
        text += " " + _("(signed up by %(name)s)") % {"name": h(entry.signed_by)}
    return text


def slot(roster: Roster, slot_id: int, zone: ZoneInfo, *, can_check_in: bool) -> Screen:
    shown = roster.of(slot_id)
    info = roster.gathering
    if shown is None:
        return _("This time is no longer on the list."), None
    lines = [
        f"<b>{h(info.title)}</b> " + words.when(shown.slot.starts_at, shown.slot.ends_at, zone),
        _("Signed up %(taken)s of %(capacity)s, arrived %(arrived)s")
        % {"taken": len(shown.booked), "capacity": shown.slot.capacity, "arrived": shown.arrived},
    ]
    lines.extend(_line(n, e) for n, e in enumerate(shown.booked, start=1))
    if not shown.booked:
        lines.append(_("Nobody has signed up for this time."))
    if shown.waiting:
        lines.append(_("Waiting list:"))
        lines.extend(_line(n, e) for n, e in enumerate(shown.waiting, start=1))
    rows = []
    if can_check_in:
        rows = [
            [
                InlineKeyboardButton(
                    text=_("✅ Arrived: %(name)s %(room)s") % {"name": e.name, "room": e.room},
                    callback_data=CheckIn(sg=e.signup_id, s=shown.slot.id).pack(),
                )
            ]
            for e in shown.booked
            if not e.checked_in
        ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("↩️ All times"), callback_data=RosterSlot(g=info.id, s=0).pack()
            )
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)
