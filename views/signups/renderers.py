"""The sign-up kinds of the outbox and the view that renders each (at send time, in the
recipient's language)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.signups.messages import (
    GatheringAnnounced,
    GatheringCancelled,
    SignedUpForYou,
    SignupPromoted,
    SignupReminder,
    SlotMessage,
)
from views.outbox import RenderContext, Rendered, Renderers
from views.signups import words
from views.signups.callbacks import OpenGathering
from views.text import h


def deep_link(bot_username: str, gathering_id: int) -> str:
    return f"https://t.me/{bot_username}?start=signup-{gathering_id}"


def announced(payload: GatheringAnnounced, context: RenderContext) -> Rendered:
    zone = context.timezone
    lines = [
        _("📅 Sign-up: <b>%(title)s</b>") % {"title": h(payload.title)},
        _("📍 Place: %(place)s") % {"place": h(payload.place)},
        _("🗓 When: %(when)s") % {"when": words.when(payload.starts_at, payload.ends_at, zone)},
    ]
    if payload.description:
        lines.append(h(payload.description))
    lines.append(_("%(places)s places, first come, first served.") % {"places": payload.places})
    if payload.in_group:
        # never names in the group: the button opens the private chat
        if context.bot_username is None:
            lines.append(_("Sign up in the private chat with me: 📅 Events."))
            return Rendered("\n".join(lines))
        lines.append(_("Tap the button to choose your time in the private chat."))
        button = InlineKeyboardButton(
            text=_("📅 Sign up"), url=deep_link(context.bot_username, payload.gathering_id)
        )
    else:
        button = InlineKeyboardButton(
            text=_("📅 Choose a time"),
            callback_data=OpenGathering(g=payload.gathering_id).pack(),
        )
    return Rendered("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[[button]]))


def _slot(payload: SlotMessage, context: RenderContext) -> str:
    return "\n".join(
        [
            f"<b>{h(payload.title)}</b>",
            _("🕘 %(when)s")
            % {"when": words.when(payload.starts_at, payload.ends_at, context.timezone)},
            _("📍 %(place)s") % {"place": h(payload.place)},
        ]
    )


def _open(payload: SlotMessage) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("📅 See my sign-up"),
                    callback_data=OpenGathering(g=payload.gathering_id).pack(),
                )
            ]
        ]
    )


def promoted(payload: SignupPromoted, context: RenderContext) -> Rendered:
    if payload.for_other:
        head = _("🎉 %(name)s has a place now (someone cancelled). Please tell her or him:") % {
            "name": h(payload.name)
        }
        return Rendered(head + "\n" + _slot(payload, context))
    head = _("🎉 Someone cancelled: you have a place now!")
    return Rendered(head + "\n" + _slot(payload, context), _open(payload))


def signed_for_you(payload: SignedUpForYou, context: RenderContext) -> Rendered:
    values = {"by": h(payload.by)}
    head = (
        _("%(by)s put you in the waiting list:") if payload.waiting else _("%(by)s signed you up:")
    ) % values
    return Rendered(head + "\n" + _slot(payload, context), _open(payload))


def reminder(payload: SignupReminder, context: RenderContext) -> Rendered:
    if payload.for_other:
        head = _("⏰ Tomorrow: please remind %(name)s (no phone):") % {"name": h(payload.name)}
        return Rendered(head + "\n" + _slot(payload, context))
    return Rendered(
        _("⏰ Tomorrow, do not forget:") + "\n" + _slot(payload, context), _open(payload)
    )


def gathering_cancelled(payload: GatheringCancelled, context: RenderContext) -> Rendered:
    if payload.for_other:
        head = _("✖️ Called off. Please tell %(name)s (no phone):") % {"name": h(payload.name)}
    else:
        head = _("✖️ Called off, sorry. You do not need to come:")
    return Rendered(head + "\n" + _slot(payload, context))


RENDERERS: Renderers = {
    GatheringCancelled: gathering_cancelled,
    GatheringAnnounced: announced,
    SignupPromoted: promoted,
    SignedUpForYou: signed_for_you,
    SignupReminder: reminder,
}
