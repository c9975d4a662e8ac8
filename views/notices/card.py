"""A notice as residents see it, in their group and in private: the same words for both and
for the author's preview; urgent ones marked 🔴."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.notices.messages import NoticeInfo
from views.notices.callbacks import Ack
from views.outbox import CAPTION_LIMIT, Rendered
from views.text import building, h


def when(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%m-%d %H:%M")


def for_whom(info: NoticeInfo) -> str | None:
    """ "致：1号楼、2号楼 1单元"; None for the whole courtyard."""
    parts = [building(b) for b in info.buildings]
    parts += [f"{building(b)} {h(u)}".strip() for b, u in info.units]
    if not parts:
        return None
    shown = "、".join(parts[:8])
    if len(parts) > 8:
        shown += _(" and %(count)s more") % {"count": len(parts) - 8}
    return _("For: %(places)s") % {"places": shown}


def text(info: NoticeInfo, zone: ZoneInfo, *, reminder: bool = False) -> str:
    heading = (
        _("🔴 <b>Urgent notice</b> · %(courtyard)s")
        if info.urgent
        else _("📢 <b>Notice</b> · %(courtyard)s")
    ) % {"courtyard": h(info.courtyard)}
    lines = []
    if reminder:
        lines.append(_("⏰ <b>Reminder</b>: please confirm that you have read this notice."))
    lines.append(heading)
    if info.corrects_sent_at is not None:
        lines.append(
            _("✏️ This corrects the notice of %(date)s.")
            % {"date": when(info.corrects_sent_at, zone)}
        )
    place = for_whom(info)
    if place:
        lines.append(place)
    lines += ["", h(info.text), "", _("— %(name)s") % {"name": h(info.author)}]
    if info.needs_ack:
        if info.ack_deadline is not None:
            lines.append(
                _("Please tap ✅ Received below by %(deadline)s.")
                % {"deadline": when(info.ack_deadline, zone)}
            )
        else:
            lines.append(_("Please tap ✅ Received below."))
    return "\n".join(lines)


def ack_keyboard(info: NoticeInfo) -> InlineKeyboardMarkup | None:
    if not info.needs_ack:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("✅ Received"), callback_data=Ack(n=info.id).pack())]
        ]
    )


def rendered(
    info: NoticeInfo,
    zone: ZoneInfo,
    *,
    buttons: bool = True,
    reminder: bool = False,
    pin: bool = False,
) -> Rendered:
    """The notice as one message: a photo or PDF with the words as caption, or the words."""
    markup = ack_keyboard(info) if buttons else None
    body = text(info, zone, reminder=reminder)
    if info.attachment_kind is not None and len(body) > CAPTION_LIMIT:
        # the words were checked against a shorter limit; only very long names get here
        room = CAPTION_LIMIT - (len(body) - len(h(info.text))) - 1
        body = text(info.model_copy(update={"text": info.text[: max(room, 0)] + "…"}), zone)
    if info.attachment_kind == "photo":
        return Rendered(body, markup, photo=info.attachment_file_id, pin=pin)
    if info.attachment_kind == "document":
        return Rendered(body, markup, document=info.attachment_file_id, pin=pin)
    return Rendered(body, markup, pin=pin)
