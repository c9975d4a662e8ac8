"""The household picker's look: building → unit → room buttons, paged when the list is long,
and the rooms a typed address matched. Every button carries the purpose it serves and the
proof it was opened with (see handlers.picker)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.addresses import Place
from views.callbacks import Id, Index
from views.text import RELATION_NAMES, h
from views.text import building as building_name

PER_PAGE = 12
COLUMNS = 3


class Pick(CallbackData, prefix="hp"):
    """One picker button. At most 2+1+10+1+3+3+10+10 characters and separators: ≤ 64 bytes."""

    p: str  # the purpose's code
    c: Id  # courtyard id
    s: str  # step shown: "b" buildings, "u" units of b, "r" rooms of b/u, "h" household n
    b: Index = 0  # index into the sorted buildings
    u: Index = 0  # index into the sorted units of that building
    n: Index = 0  # page, or the household id at step "h"
    k: str = ""  # proof the picker was opened with (a join's invite code)


class PickRelation(CallbackData, prefix="pl"):
    p: str
    h: Id  # household id
    rel: str
    k: str = ""


@dataclass(frozen=True)
class Frame:
    """Which picker a message belongs to: purpose, courtyard, proof, and its question."""

    purpose: str
    courtyard_id: int
    key: str
    question: str  # the building step's question, e.g. "Which building do you live in?"

    def data(self, step: str, b: int = 0, u: int = 0, n: int = 0) -> str:
        return Pick(p=self.purpose, c=self.courtyard_id, s=step, b=b, u=u, n=n, k=self.key).pack()


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def _paged(
    buttons: list[InlineKeyboardButton], page: int, page_data: list[str], back: str | None = None
) -> InlineKeyboardMarkup:
    """`page_data[i]` is the data of the button that shows page i."""
    pages = max(1, -(-len(buttons) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = buttons[page * PER_PAGE : (page + 1) * PER_PAGE]
    rows = [shown[i : i + COLUMNS] for i in range(0, len(shown), COLUMNS)]
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(_button(_("◀ Previous"), page_data[page - 1]))
    if pages > 1:
        nav.append(_button(f"{page + 1}/{pages}", page_data[page]))
    if page < pages - 1:
        nav.append(_button(_("Next ▶"), page_data[page + 1]))
    if nav:
        rows.append(nav)
    if back is not None:
        rows.append([_button(_("↩ Back"), back)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _pages(count: int) -> int:
    return max(1, -(-count // PER_PAGE))


def _hint() -> str:
    return _("You can also type it, e.g. 3号楼 or 502.")


def buildings(
    frame: Frame, names: Sequence[str], page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [_button(name, frame.data("u", b=i)) for i, name in enumerate(names)]
    pages = [frame.data("b", n=p) for p in range(_pages(len(buttons)))]
    return f"{h(frame.question)}\n{_hint()}", _paged(buttons, page, pages)


def units(
    frame: Frame, b: int, building: str, names: Sequence[str], page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [
        _button(name or _("(no unit)"), frame.data("r", b=b, u=i)) for i, name in enumerate(names)
    ]
    pages = [frame.data("u", b=b, n=p) for p in range(_pages(len(buttons)))]
    text = _("%(building)s. Which unit?") % {"building": building_name(building)}
    return text, _paged(buttons, page, pages, back=frame.data("b"))


def rooms(
    frame: Frame,
    b: int,
    u: int,
    label: str,
    households: Sequence[tuple[int, str]],
    page: int = 0,
    *,
    only_unit: bool = False,
) -> tuple[str, InlineKeyboardMarkup]:
    """`only_unit`: the building has one unit (or none), so Back skips the unit question that
    was never asked and goes to the buildings."""
    buttons = [_button(room, frame.data("h", n=hid)) for hid, room in households]
    pages = [frame.data("r", b=b, u=u, n=p) for p in range(_pages(len(buttons)))]
    back = frame.data("b") if only_unit else frame.data("u", b=b)
    text = _("%(place)s. Which room?") % {"place": h(label)}
    return text, _paged(buttons, page, pages, back=back)


def matches(frame: Frame, typed: str, found: Sequence[Place]) -> tuple[str, InlineKeyboardMarkup]:
    """Several rooms fit what was typed: those, by their full address."""
    rows = [[_button(p.label(), frame.data("h", n=p.household_id))] for p in found[:PER_PAGE]]
    rows.append([_button(_("↩ Back"), frame.data("b"))])
    text = _("These rooms match “%(typed)s”. Which one is it?") % {"typed": h(typed)}
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def some_buildings(
    frame: Frame, typed: str, indexed: Sequence[tuple[int, str]]
) -> tuple[str, InlineKeyboardMarkup]:
    """Several buildings fit what was typed: those."""
    rows = [[_button(name, frame.data("u", b=i))] for i, name in indexed]
    rows.append([_button(_("↩ Back"), frame.data("b"))])
    text = _("These buildings match “%(typed)s”. Which one is it?") % {"typed": h(typed)}
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def not_found(typed: str) -> str:
    return _(
        "Sorry, I could not find “%(typed)s” here. Please tap one of the buttons below, "
        "or type the number again (e.g. 3号楼 or 502)."
    ) % {"typed": h(typed)}


def relations(
    purpose: str, household_id: int, question: str, key: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [_button(str(name), PickRelation(p=purpose, h=household_id, rel=value, k=key).pack())]
        for value, name in RELATION_NAMES.items()
    ]
    return question, InlineKeyboardMarkup(inline_keyboard=rows)
