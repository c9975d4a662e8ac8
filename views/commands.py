"""The command list Telegram shows behind the ☰ button, per language."""

from __future__ import annotations

from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from views.text import msgid_of

# everyone's commands; staff commands are listed by /help, by role
COMMANDS: list[tuple[str, LazyProxy]] = [
    ("start", __("Start")),
    ("report", __("Report a repair")),
    ("requests", __("My repair requests")),
    ("menu", __("Show the menu buttons")),
    ("help", __("What I can do")),
    ("lang", __("Language / 语言")),
]


def bot_commands(i18n: I18n, locale: str) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=i18n.gettext(msgid_of(label), locale=locale))
        for name, label in COMMANDS
    ]
