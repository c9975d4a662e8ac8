"""The screens of signing up: the list (with one's own sign-ups), an event with its free
times as big buttons, the question before signing up or joining a waiting list, the answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import GatheringStatus, SignupStatus
from services.signups.booking import Booked
from services.signups.queries import GatheringInfo, MySignup, SlotInfo
from views.signups import words
from views.signups.callbacks import (
    CancelSignup,
    ChooseSlot,
    ConfirmSlot,
    Manage,
    OpenGathering,
)
from views.text import h

Screen = tuple[str, InlineKeyboardMarkup | None]


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def mine_line(mine: MySignup, zone: ZoneInfo) -> str:
    when = words.when(mine.starts_at, mine.ends_at, zone)
    if mine.status is SignupStatus.WAITING:
        state = _("waiting list, number %(n)s") % {"n": mine.position}
    else:
        state = _("signed up")
    return f"• <b>{h(mine.title)}</b> {when} · {state}"


def gathering_facts(info: GatheringInfo, zone: ZoneInfo) -> str:
    lines = [
        f"<b>{h(info.title)}</b>",
        _("📍 Place: %(place)s") % {"place": h(info.place)},
        _("🗓 When: %(when)s") % {"when": words.when(info.starts_at, info.ends_at, zone)},
    ]
    if info.description:
        lines.append(h(info.description))
    return "\n".join(lines)


def listing(shown: Sequence[GatheringInfo], mine: Sequence[MySignup], zone: ZoneInfo) -> Screen:
    """📅 Events: her sign-ups with their slot first, then the events she can open."""
    parts = [_("📅 <b>Events</b>")]
    if mine:
        parts.append(_("Your sign-ups:") + "\n" + "\n".join(mine_line(m, zone) for m in mine))
    if shown:
        parts.append(_("Tap an event to see its times:"))
    else:
        parts.append(_("There are no events to sign up for right now."))
    buttons = [
        [_button(f"{g.title} · {words.day(g.starts_at, zone)}", OpenGathering(g=g.id).pack())]
        for g in shown
    ]
    return "\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None


def slot_label(slot: SlotInfo, zone: ZoneInfo) -> str:
    at = words.clock_time(slot.starts_at, zone)
    if slot.free > 0:
        return _("%(time)s · %(free)s left") % {"time": at, "free": slot.free}
    return _("%(time)s · full, join the line") % {"time": at}


def slot_buttons(
    info: GatheringInfo, now: datetime, zone: ZoneInfo, *, person: int = 0, home: int = 0
) -> list[list[InlineKeyboardButton]]:
    """The times still ahead, two big buttons a row."""
    buttons = [
        _button(slot_label(s, zone), ChooseSlot(g=info.id, s=s.id, p=person, h=home).pack())
        for s in info.slots
        if s.starts_at > now
    ]
    return _rows(buttons, 2)


def gathering(
    info: GatheringInfo,
    mine: Sequence[MySignup],
    now: datetime,
    zone: ZoneInfo,
    *,
    organizer: bool,
) -> Screen:
    """An event for a resident: her slot and a cancel button, or the free times to choose;
    for its organizer also the check-in list, signing up a neighbour and the spreadsheet."""
    parts = [
        gathering_facts(info, zone),
        _("Places taken: %(taken)s of %(places)s") % {"taken": info.taken, "places": info.places},
    ]
    rows: list[list[InlineKeyboardButton]] = []
    if info.status is not GatheringStatus.OPEN:
        parts.append(
            _("Sign-up for this event is closed.")
            if info.status is GatheringStatus.CLOSED
            else _("✖️ This event was called off.")
        )
    if mine and info.status is not GatheringStatus.CANCELLED:
        m = mine[0]
        slot = words.times(m.starts_at, m.ends_at, zone)
        if m.status is SignupStatus.WAITING:
            parts.append(
                _("You are in the waiting list for %(slot)s, number %(n)s.")
                % {"slot": slot, "n": m.position}
            )
            rows.append([_button(_("Leave the waiting list"), CancelSignup(sg=m.id).pack())])
        else:
            parts.append(_("✅ You are signed up: %(slot)s") % {"slot": slot})
            rows.append([_button(_("Cancel my sign-up"), CancelSignup(sg=m.id).pack())])
    elif info.status is GatheringStatus.OPEN:
        buttons = slot_buttons(info, now, zone)
        parts.append(_("Choose a time:") if buttons else _("All times have passed."))
        rows.extend(buttons)
    if organizer and info.status is not GatheringStatus.CANCELLED:
        rows.append(
            [
                _button(_("👥 Check-in list"), Manage(g=info.id, a="roster").pack()),
                _button(_("🙋 Sign up a neighbour"), Manage(g=info.id, a="for").pack()),
            ]
        )
        rows.append([_button(_("📄 List as a spreadsheet"), Manage(g=info.id, a="export").pack())])
        ending = [_button(_("✖️ Call it off"), Manage(g=info.id, a="cancel").pack())]
        if info.status is GatheringStatus.OPEN:
            ending.insert(0, _button(_("🔒 Stop sign-up"), Manage(g=info.id, a="close").pack()))
        rows.append(ending)
    return "\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _who(name: str | None, room: str | None) -> str:
    if not name:
        return ""
    return _("For: %(name)s (%(room)s)") % {"name": h(name), "room": h(room or "")} + "\n"


def confirm(
    info: GatheringInfo,
    slot: SlotInfo,
    zone: ZoneInfo,
    *,
    person: int = 0,
    home: int = 0,
    name: str | None = None,
    room: str | None = None,
) -> Screen:
    text = (
        _("Sign up for <b>%(title)s</b>?") % {"title": h(info.title)}
        + "\n"
        + _who(name, room)
        + _("🕘 %(when)s") % {"when": words.when(slot.starts_at, slot.ends_at, zone)}
        + "\n"
        + _("📍 %(place)s") % {"place": h(info.place)}
    )
    data = ConfirmSlot(g=info.id, s=slot.id, p=person, h=home)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("✅ Yes, sign up"), data.pack())],
            [_button(_("↩️ Back"), OpenGathering(g=info.id).pack())],
        ]
    )
    return text, keyboard


def full(
    info: GatheringInfo,
    slot: SlotInfo,
    zone: ZoneInfo,
    *,
    person: int = 0,
    home: int = 0,
    name: str | None = None,
    room: str | None = None,
) -> Screen:
    """「已满，要排队吗？」 before anyone joins a waiting list."""
    text = (
        _who(name, room)
        + _("%(slot)s is full. Would you like to join the waiting list?")
        % {"slot": words.when(slot.starts_at, slot.ends_at, zone)}
        + "\n"
        + _("If someone cancels, the first in line gets the place and is told.")
        + "\n"
        + _("People waiting now: %(n)s") % {"n": slot.waiting}
    )
    data = ConfirmSlot(g=info.id, s=slot.id, p=person, h=home, w=True)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("🙋 Join the waiting list"), data.pack())],
            [_button(_("↩️ Choose another time"), OpenGathering(g=info.id).pack())],
        ]
    )
    return text, keyboard


def booked(info: GatheringInfo, done: Booked, zone: ZoneInfo, *, for_other: bool) -> Screen:
    slot = words.times(done.starts_at, done.ends_at, zone)
    values = {"slot": slot, "name": h(done.name), "n": done.position}
    if done.status is SignupStatus.WAITING:
        head = (
            _("In the waiting list for %(name)s: %(slot)s, number %(n)s.")
            if for_other
            else _("You are in the waiting list: %(slot)s, number %(n)s.")
        ) % values
        tail = _("If someone cancels, the place goes to the first in line, who is told.")
    else:
        head = (
            _("✅ %(name)s is signed up: %(slot)s") if for_other else _("✅ Signed up: %(slot)s")
        ) % values
        tail = (
            _("The day before, a reminder goes to her or him (without a phone: to you).")
            if for_other
            else _("A reminder comes the day before.")
        )
    text = "\n".join(
        [
            head,
            f"<b>{h(info.title)}</b> · {h(info.place)}",
            words.day(done.starts_at, zone),
            tail,
        ]
    )
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("Cancel this sign-up"), CancelSignup(sg=done.signup_id).pack())]
        ]
    )
    return text, keyboard


def cancel_question(mine: MySignup, zone: ZoneInfo) -> Screen:
    text = _("Cancel the sign-up for %(title)s, %(slot)s?") % {
        "title": h(mine.title),
        "slot": words.when(mine.starts_at, mine.ends_at, zone),
    }
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("Yes, cancel it"), CancelSignup(sg=mine.id, ok=True).pack())],
            [_button(_("No, keep it"), OpenGathering(g=mine.gathering_id).pack())],
        ]
    )
    return text, keyboard


def cancelled(title: str, promoted: str | None) -> str:
    text = _("Cancelled: %(title)s.") % {"title": h(title)}
    if promoted:
        text += "\n" + _("The place went to the first in the waiting list.")
    return text


def ending_question(info: GatheringInfo, action: str) -> Screen:
    """Before closing sign-up ("close") or calling the event off ("cancel")."""
    if action == "close":
        text = _("Stop sign-up for %(title)s? Those signed up keep their places.")
        yes = _("🔒 Yes, stop sign-up")
    else:
        text = _("Call off %(title)s? Everyone signed up or waiting is told.")
        yes = _("✖️ Yes, call it off")
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(yes, Manage(g=info.id, a=f"{action}-ok").pack())],
            [_button(_("↩️ Back"), OpenGathering(g=info.id).pack())],
        ]
    )
    return text % {"title": h(info.title)}, keyboard


def ended(info: GatheringInfo, action: str, told: int) -> str:
    if action == "close":
        return _("🔒 Sign-up for %(title)s is closed. The check-in list stays.") % {
            "title": h(info.title)
        }
    return _("✖️ %(title)s is called off. %(count)s people are being told.") % {
        "title": h(info.title),
        "count": told,
    }
