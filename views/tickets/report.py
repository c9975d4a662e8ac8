"""The reporting steps: which home, what kind of problem, the words (or voice), photos,
where, how urgent, and the confirmation that shows everything before it is filed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.access import Actor
from services.tickets.reporting import MAX_PHOTOS, HomeChoice
from views.menu import main_menu
from views.text import arrival, h
from views.tickets import words
from views.tickets.callbacks import OnBehalfChannel, ReportCategory, ReportHome, ReportStep
from views.tickets.menu import FILE_FOR, MY_REQUESTS, OPEN_TICKETS


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


def photos_go_on(count: int) -> str:
    """The button that ends the photo step: its label is named in hints, so one place says it."""
    return _("⏭ No photos") if count == 0 else _("✅ Done")


def ask_photos(count: int) -> tuple[str, InlineKeyboardMarkup]:
    if count == 0:
        text = _("📷 If you can, send up to %(max)s photos of the problem. Or go on without.") % {
            "max": MAX_PHOTOS
        }
    else:
        text = _("📷 Photo %(n)s of %(max)s received. Send more, or tap %(button)s.") % {
            "n": count,
            "max": MAX_PHOTOS,
            "button": photos_go_on(count),
        }
    return text, InlineKeyboardMarkup(
        inline_keyboard=[[_step(photos_go_on(count), "done")], _cancel_row()]
    )


def ask_location(*, on_behalf: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    home = _("🏠 In their home") if on_behalf else _("🏠 In my home")
    return _("Where is it?"), InlineKeyboardMarkup(
        inline_keyboard=[
            [_step(home, "home"), _step(_("🏢 Common area"), "common")],
            _cancel_row(),
        ]
    )


def ask_place() -> tuple[str, InlineKeyboardMarkup]:
    return _(
        "Where exactly? For example: the lift of building 2, the east gate, the stairs on "
        "the 3rd floor."
    ), (InlineKeyboardMarkup(inline_keyboard=[_cancel_row()]))


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


@dataclass(frozen=True)
class Filed:
    number: str
    urgent: bool
    on_behalf: bool
    now: datetime
    team_starts_at: datetime  # the claim clock's start: after the quiet hours if not urgent
    household_told_at: datetime | None  # filed on behalf: when the household gets the news


def _has_button(actor: Actor, label: object) -> bool:
    return any(str(label) == b.text for row in main_menu(actor).keyboard for b in row)


def filed(actor: Actor, done: Filed, zone: ZoneInfo) -> tuple[str, ReplyKeyboardMarkup]:
    """A new message at the bottom, bringing back the person's own menu; it names only buttons
    that menu has."""
    lines = [
        _("✅ Filed as <b>%(number)s</b>. The repair team has been told.")
        % {"number": h(done.number)}
    ]
    if done.urgent:
        lines.append(_("🚨 Marked urgent: someone should take it within minutes."))
    elif done.team_starts_at > done.now:
        lines.append(
            _("🌙 It is night: the team will take it up %(when)s.")
            % {"when": arrival(done.team_starts_at, done.now, zone)}
        )
    if done.household_told_at is not None and done.household_told_at > done.now:
        lines.append(
            _("The household will get the news %(when)s.")
            % {"when": arrival(done.household_told_at, done.now, zone)}
        )
    if done.on_behalf and _has_button(actor, OPEN_TICKETS):
        lines.append(_("To follow it, tap %(button)s.") % {"button": OPEN_TICKETS})
    elif not done.on_behalf and _has_button(actor, MY_REQUESTS):
        lines.append(
            _("You will get a message when someone takes it. See %(button)s.")
            % {"button": MY_REQUESTS}
        )
    return "\n".join(lines), main_menu(actor)


def no_home_of_your_own(actor: Actor) -> str | None:
    """/report from staff without a home of their own: point at the button they do have."""
    if not _has_button(actor, FILE_FOR):
        return None
    return _(
        "You have no home of your own registered here. To report a repair for a resident, "
        "tap %(button)s."
    ) % {"button": FILE_FOR}


def draft_kept(summary: str) -> tuple[str, InlineKeyboardMarkup]:
    """The person went elsewhere in the middle of a report: it is kept, not lost."""
    text = _("📝 Your repair report (%(summary)s) is not finished. It is kept for you.") % {
        "summary": summary
    }
    return text, InlineKeyboardMarkup(
        inline_keyboard=[[_step(_("▶ Continue it"), "resume"), _step(_("🗑 Discard it"), "discard")]]
    )


def draft_waiting(summary: str) -> tuple[str, InlineKeyboardMarkup]:
    """🛠 again while a report is unfinished: go on with it, or start a new one."""
    text = _("📝 You have an unfinished repair report (%(summary)s).") % {"summary": summary}
    return text, InlineKeyboardMarkup(
        inline_keyboard=[
            [_step(_("▶ Continue it"), "resume")],
            [_step(_("🆕 Start a new one"), "new")],
        ]
    )


def draft_summary(category: str | None, description: str | None, home: str) -> str:
    """A few words to recognise a draft by: its category and the start of its words."""
    parts = [words.category(category) if category else h(home)]
    if description:
        short = description if len(description) <= 20 else description[:20] + "…"
        parts.append(f"“{h(short)}”")
    return " ".join(parts)


def discarded() -> str:
    return _("🗑 The unfinished report was discarded. Nothing was filed.")


def photo_offer() -> tuple[str, InlineKeyboardMarkup]:
    """A photo sent outside a report: it may be the start of one."""
    return _("📷 Do you want to report a repair with this photo?"), InlineKeyboardMarkup(
        inline_keyboard=[
            [_step(_("🛠 Yes, report a repair"), "photo")],
            [_step(_("✖ No"), "nophoto")],
        ]
    )


def photo_not_used() -> str:
    return _("OK, the photo was not used.")


def on_behalf_channel(household_id: int, label: str) -> tuple[str, InlineKeyboardMarkup]:
    return _("🏠 %(home)s. How did they tell you?") % {"home": h(label)}, InlineKeyboardMarkup(
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
