"""The command list Telegram shows behind the ☰ button: per language, and per person for staff
(a chat scope of their own with their roles' commands), from the assembled menu."""

from __future__ import annotations

from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n

from services.access import Role
from views.menu import Menu
from views.text import msgid_of


def bot_commands(
    menu: Menu, i18n: I18n, locale: str, held: set[Role] | None = None, *, group: bool = False
) -> list[BotCommand]:
    """Everyone's commands (held None), or the list for someone holding `held`."""
    entries = [c for c in menu.commands if c.group] if group else menu.commands_for(held or set())
    return [
        BotCommand(command=c.name, description=i18n.gettext(msgid_of(c.description), locale=locale))
        for c in entries
    ]
