"""The main menu, /help and the ☰ command list, as one value assembled from the features.

Each feature declares its menu items, help lines and commands; the app builds one `Menu` from
them and makes it current for every update and every outbox rendering (a context variable, like
the current locale), so nothing registers itself by being imported."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

from aiogram.filters import Filter
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from services.access import Actor, Role
from views.text import msgid_of


@dataclass(frozen=True)
class MenuItem:
    label: LazyProxy
    roles: tuple[Role, ...]  # shown to anyone holding one of these; empty: to everybody
    order: int
    more: bool = False  # seldom used: under 「➕ 更多」 when the menu would be long


# a main menu of at most this many big buttons (two a row); past it, the items marked `more`
# (and any beyond the limit, by order) go to the 「➕ 更多」 menu, which has a way back
MAX_MAIN = 10
MORE = __("➕ More")
BACK_TO_MAIN = __("↩ Main menu")


@dataclass(frozen=True)
class CommandEntry:
    """A command in Telegram's ☰ list. Empty `roles`: everyone's (the default list); else shown
    in the private chat of people holding one of the roles; `group`: in group chats."""

    name: str
    description: LazyProxy
    roles: tuple[Role, ...] = ()
    group: bool = False


@dataclass(frozen=True)
class Menu:
    items: tuple[MenuItem, ...] = ()
    help: Mapping[Role, tuple[LazyProxy, ...]] = field(default_factory=dict)
    commands: tuple[CommandEntry, ...] = ()
    # built keyboards by (roles held, locale); never changed once built, so shared
    keyboards: dict[tuple[frozenset[Role], str], ReplyKeyboardMarkup] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def of(
        cls,
        items: Iterable[MenuItem],
        help_lines: Iterable[Mapping[Role, Sequence[LazyProxy]]],
        commands: Iterable[CommandEntry],
    ) -> Menu:
        """One menu from every feature's parts: items kept in their `order`, help lines in
        the order of the roles, then of the features."""
        joined: dict[Role, list[LazyProxy]] = {role: [] for role in Role}
        for part in help_lines:
            for role, lines in part.items():
                joined[role].extend(lines)
        return cls(
            items=tuple(sorted(items, key=lambda item: item.order)),
            help={role: tuple(lines) for role, lines in joined.items() if lines},
            commands=tuple(commands),
        )

    def labels_for(self, held: set[Role]) -> list[str]:
        """Every item's label for someone holding these roles, main menu and 「更多」 alike."""
        return [str(i.label) for i in self._items_for(held)]

    def _items_for(self, held: set[Role]) -> list[MenuItem]:
        return [i for i in self.items if not i.roles or held & set(i.roles)]

    def sections_for(self, held: set[Role]) -> tuple[list[str], list[str]]:
        """The main menu's labels and the 「更多」 menu's (empty when everything fits)."""
        items = self._items_for(held)
        if len(items) <= MAX_MAIN:
            return [str(i.label) for i in items], []
        often = [i for i in items if not i.more]
        # the last item (❓ help) stays on the main menu whatever comes before it
        kept = often if len(often) < MAX_MAIN else [*often[: MAX_MAIN - 2], often[-1]]
        rest = [i for i in items if i not in kept]
        return [*(str(i.label) for i in kept), str(MORE)], [str(i.label) for i in rest]

    def help_for(self, held: set[Role]) -> list[str]:
        return [str(line) for role, lines in self.help.items() if role in held for line in lines]

    def commands_for(self, held: set[Role]) -> list[CommandEntry]:
        """Everyone's commands, then those of the roles held (each once)."""
        return [c for c in self.commands if not c.group and (not c.roles or held & set(c.roles))]


_CURRENT: ContextVar[Menu | None] = ContextVar("courtyard_menu", default=None)


@contextlib.contextmanager
def use(menu: Menu) -> Iterator[None]:
    token = _CURRENT.set(menu)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> Menu:
    """The assembled menu; outside an update or a rendering there is none (a message showing
    a menu then would show an incomplete one, so that is an error)."""
    menu = _CURRENT.get()
    if menu is None:
        raise LookupError("no menu is current: render within views.menu.use(menu)")
    return menu


def main_menu(actor: Actor) -> ReplyKeyboardMarkup:
    return menu_for(actor.roles())


def more_menu(actor: Actor) -> ReplyKeyboardMarkup:
    """The 「➕ 更多」 menu: the seldom used items, then the way back to the main menu."""
    return menu_for(actor.roles(), more=True)


def menu_for(held: set[Role], *, more: bool = False) -> ReplyKeyboardMarkup:
    """The menu for someone holding these roles (also for messages rendered at send time)."""
    menu = current()
    i18n = I18n.get_current(no_error=True)
    key = (frozenset(held), (i18n.current_locale if i18n else "") + ("+more" if more else ""))
    keyboard = menu.keyboards.get(key)
    if keyboard is None:  # the same few menus are shown all day: build each once
        main, rest = menu.sections_for(held)
        labels = [*rest, str(BACK_TO_MAIN)] if more else main
        # two big buttons a row: easy to hit for elderly fingers
        rows = [
            [KeyboardButton(text=t) for t in labels[i : i + 2]] for i in range(0, len(labels), 2)
        ]
        keyboard = menu.keyboards[key] = ReplyKeyboardMarkup(
            keyboard=rows,
            resize_keyboard=True,
            is_persistent=True,
            input_field_placeholder=_("Choose from the menu below"),
        )
    return keyboard


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
        if not text:
            return False
        labels = (*(i.label for i in current().items), MORE, BACK_TO_MAIN)
        return any(text in label_texts(msgid_of(label)) for label in labels)


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
