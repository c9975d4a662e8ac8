"""The reporting steps: which home, what kind of problem, the words (or voice), photos,
where, how urgent, and the confirmation that shows everything before it is filed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.tickets.reporting import MAX_PHOTOS, HomeChoice
from views.text import h
from views.tickets import words
from views.tickets.callbacks import OnBehalfChannel, ReportCategory, ReportHome, ReportStep


def _step(text: str, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=ReportStep(a=action).pack())


def _cancel_row() -> list[InlineKeyboardButton]:
    return [_step(_("✖ Cancel"), "cancel")]


def homes(choices: Sequence[HomeChoice]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [
            InlineKeyboardButton(
                text=f"{c.courtyard} {c.household}",
                callback_data=ReportHome(h=c.household_id).pack(),
            )
        ]
        for c in choices
    ]
    return _("Which home is the repair for?"), InlineKeyboardMarkup(
        inline_keyboard=[*rows, _cancel_row()]
    )


def categories(place: str) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [
        InlineKeyboardButton(text=str(name), callback_data=ReportCategory(c=value).pack())
        for value, name in words.CATEGORIES.items()
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    text = _("🛠 Report a repair for %(place)s.\nWhat is the problem about?") % {"place": h(place)}
    return text, InlineKeyboardMarkup(inline_keyboard=[*rows, _cancel_row()])


def ask_description(category: str) -> tuple[str, InlineKeyboardMarkup]:
    text = _(
        "%(category)s\nPlease describe the problem in a few words, or send a voice message 🎤."
    ) % {"category": words.category(category)}
    return text, InlineKeyboardMarkup(inline_keyboard=[_cancel_row()])


def ask_photos(count: int) -> tuple[str, InlineKeyboardMarkup]:
    if count == 0:
        text = _("📷 If you can, send up to %(max)s photos of the problem. Or go on without.") % {
            "max": MAX_PHOTOS
        }
        go_on = _("⏭ No photos")
    else:
        text = _("📷 Photo %(n)s of %(max)s received. Send more, or tap Done.") % {
            "n": count,
            "max": MAX_PHOTOS,
        }
        go_on = _("✅ Done")
    return text, InlineKeyboardMarkup(inline_keyboard=[[_step(go_on, "done")], _cancel_row()])


def ask_location(*, on_behalf: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    home = _("🏠 In their home") if on_behalf else _("🏠 In my home")
    return _("Where is it?"), InlineKeyboardMarkup(
        inline_keyboard=[
            [_step(home, "home"), _step(_("🏢 Common area"), "common")],
            _cancel_row(),
        ]
    )


def ask_place() -> tuple[str, InlineKeyboardMarkup]:
    return _("Where exactly? For example: 2号楼 elevator, east gate, 3rd floor stairs."), (
        InlineKeyboardMarkup(inline_keyboard=[_cancel_row()])
    )


def ask_urgency() -> tuple[str, InlineKeyboardMarkup]:
    return _("How urgent is it?"), InlineKeyboardMarkup(
        inline_keyboard=[
            [_step(_("Normal"), "normal")],
            [_step(_("🚨 Urgent: no water, no power, someone trapped"), "urgent")],
            _cancel_row(),
        ]
    )


@dataclass(frozen=True)
class DraftView:
    home: str
    category: str
    description: str | None
    voice_seconds: int | None
    photos: int
    location: str
    place: str
    urgency: str
    channel: str | None = None  # for a ticket filed on someone's behalf


def confirmation(draft: DraftView) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("<b>Please check your repair request:</b>"), f"🏠 {h(draft.home)}"]
    lines.append(words.category(draft.category))
    if draft.description:
        lines.append(f"📝 {h(draft.description)}")
    if draft.voice_seconds is not None:
        lines.append(_("🎤 Voice message, %(s)s s") % {"s": draft.voice_seconds})
    lines.append(_("📷 Photos: %(n)s") % {"n": draft.photos})
    lines.append("📍 " + words.where(draft.location, draft.place, draft.home))
    lines.append(words.urgency(draft.urgency))
    if draft.channel:
        lines.append(_("☎️ Received by %(channel)s") % {"channel": words.channel(draft.channel)})
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[_step(_("✅ File it"), "file")], [_step(_("✖ Cancel"), "cancel")]]
    )
    return "\n".join(lines), keyboard


def filed(number: str, urgent: bool) -> str:
    text = _("✅ Filed as <b>%(number)s</b>. The repair team has been told.") % {
        "number": h(number)
    }
    if urgent:
        text += "\n" + _("🚨 Marked urgent: someone should take it within minutes.")
    text += "\n" + _("You will get a message when someone takes it. See 📋 My requests.")
    return text


def on_behalf_channel(household_id: int, label: str) -> tuple[str, InlineKeyboardMarkup]:
    return _("Room %(room)s. How did they tell you?") % {"room": h(label)}, InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("📞 Phone call"),
                    callback_data=OnBehalfChannel(h=household_id, ch="phone").pack(),
                ),
                InlineKeyboardButton(
                    text=_("🚶 Visit"),
                    callback_data=OnBehalfChannel(h=household_id, ch="visit").pack(),
                ),
            ],
            _cancel_row(),
        ]
    )
