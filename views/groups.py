"""Group chats: choosing what a group is for, and the button to the private chat."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import GroupKind
from services.courtyards import CourtyardInfo
from views.callbacks import LinkGroup


def link_choices(led: list[CourtyardInfo]) -> InlineKeyboardMarkup:
    """One button per courtyard and kind of group: residents' groups first, then staff."""
    labels = {
        GroupKind.RESIDENTS: _("%(courtyard)s · residents' group"),
        GroupKind.STAFF: _("%(courtyard)s · staff group"),
    }
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label % {"courtyard": c.name},
                    callback_data=LinkGroup(c=c.id, kind=kind).pack(),
                )
            ]
            for kind, label in labels.items()
            for c in led
        ]
    )


def private_chat(bot_username: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("Open private chat"), url=f"https://t.me/{bot_username}?start=menu"
                )
            ]
        ]
    )
