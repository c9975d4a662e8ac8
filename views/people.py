"""The people feature (joining, homes, approvals, language, help) in the menu, /help and ☰."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import lazy_gettext as __

from services.access import Role
from views.callbacks import Language
from views.menu import CommandEntry, MenuItem

MY_HOME = __("🏠 My home")
PENDING = __("📝 Join requests")
REGISTER = __("👤 Register a neighbour")
HELP = __("❓ Help")
LANGUAGE = __("🌐 中文 / English")

LEADERS = (Role.GRID_LEADER, Role.ADMIN)

MENU = (
    MenuItem(MY_HOME, (Role.RESIDENT,), 10),
    MenuItem(PENDING, LEADERS, 50),
    MenuItem(REGISTER, LEADERS, 51),
    MenuItem(HELP, (), 90),
    MenuItem(LANGUAGE, (), 91, more=True),
)

HELP_LINES = {
    Role.RESIDENT: (__("🏠 My home: the rooms you belong to"),),
    Role.GRID_LEADER: (
        __("/pending: join requests waiting for you"),
        __("/register: register a neighbour who needs help"),
        __("/link (in a group): bind the group to your courtyard"),
    ),
    Role.ADMIN: (
        __("/pending: join requests of courtyards without a grid leader"),
        __("/link (in a group): bind the group to a courtyard"),
    ),
}

COMMANDS = (
    CommandEntry("start", __("Start")),
    CommandEntry("menu", __("Show the menu buttons")),
    CommandEntry("help", __("What I can do")),
    CommandEntry("lang", __("Language / 语言")),
    CommandEntry("pending", __("Join requests waiting for you"), LEADERS),
    CommandEntry("register", __("Register a neighbour"), LEADERS),
    CommandEntry("link", __("Bind this group to a courtyard"), LEADERS, group=True),
)


def language_choice() -> InlineKeyboardMarkup:
    # each language named in itself, so anyone can find theirs
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="中文", callback_data=Language(code="zh_Hans").pack()),
                InlineKeyboardButton(text="English", callback_data=Language(code="en").pack()),
            ]
        ]
    )
