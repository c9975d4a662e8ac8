"""The main menu: a reply keyboard of large, plainly labelled buttons, chosen by role."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.filters import Filter
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from services.access import Actor, Role
from views.text import msgid_of

STAFF = (
    Role.GRID_LEADER,
    Role.REPAIR,
    Role.CUSTOMER_SERVICE,
    Role.FINANCE,
    Role.SUPERVISOR,
    Role.ADMIN,
)


@dataclass(frozen=True)
class MenuItem:
    label: LazyProxy
    roles: tuple[Role, ...]  # shown to anyone holding one of these; empty: to everybody
    order: int


MY_HOME = __("🏠 My home")
PENDING = __("📝 Join requests")
REGISTER = __("👤 Register a neighbour")
HELP = __("❓ Help")
LANGUAGE = __("🌐 中文 / English")

ITEMS: list[MenuItem] = [
    MenuItem(MY_HOME, (Role.RESIDENT,), 10),
    MenuItem(PENDING, (Role.GRID_LEADER, Role.ADMIN), 50),
    MenuItem(REGISTER, (Role.GRID_LEADER, Role.ADMIN), 51),
    MenuItem(HELP, (), 90),
    MenuItem(LANGUAGE, (), 91),
]


def add_item(label: LazyProxy, roles: tuple[Role, ...], order: int) -> None:
    """Features add their buttons here (e.g. repairs); kept in `order`."""
    ITEMS.append(MenuItem(label, roles, order))
    ITEMS.sort(key=lambda item: item.order)


def main_menu(actor: Actor) -> ReplyKeyboardMarkup:
    return menu_for(actor.roles())


def menu_for(held: set[Role]) -> ReplyKeyboardMarkup:
    """The menu for someone holding these roles (also for messages rendered at send time)."""
    labels = [str(item.label) for item in ITEMS if not item.roles or held & set(item.roles)]
    # two big buttons a row: easy to hit for elderly fingers
    rows = [[KeyboardButton(text=t) for t in labels[i : i + 2]] for i in range(0, len(labels), 2)]
    return ReplyKeyboardMarkup(
        keyboard=rows,
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=_("Choose from the menu below"),
    )


class MenuButton(Filter):
    """Matches a menu button's text in any language, so a menu sent before /lang still works."""

    def __init__(self, label: LazyProxy) -> None:
        self.msgid = msgid_of(label)

    async def __call__(self, message: Message) -> bool:
        return bool(message.text) and message.text in label_texts(self.msgid)


class AnyMenuButton(Filter):
    """Matches any button of the main menu, in any language."""

    async def __call__(self, message: Message) -> bool:
        text = message.text
        return bool(text) and any(text in label_texts(msgid_of(i.label)) for i in ITEMS)


_TEXTS: dict[tuple[int, str], frozenset[str]] = {}


def label_texts(msgid: str) -> frozenset[str]:
    """A label in every language (the catalogs do not change while the bot runs)."""
    i18n = I18n.get_current(no_error=True)
    if i18n is None:
        return frozenset({msgid})
    key = (id(i18n), msgid)
    texts = _TEXTS.get(key)
    if texts is None:
        texts = _TEXTS[key] = frozenset(
            {msgid} | {str(i18n.gettext(msgid, locale=loc)) for loc in i18n.available_locales}
        )
    return texts
