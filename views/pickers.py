"""Choosing building, unit and room with inline buttons, paged when the list is long."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from views.callbacks import PickBuilding, PickPage, PickRelation, PickRoom, PickUnit
from views.text import RELATION_NAMES, h

PER_PAGE = 12
COLUMNS = 3


def _paged(
    buttons: list[InlineKeyboardButton],
    page: int,
    page_cb: PickPage,
    back: CallbackData | None = None,
) -> InlineKeyboardMarkup:
    pages = max(1, -(-len(buttons) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = buttons[page * PER_PAGE : (page + 1) * PER_PAGE]
    rows = [shown[i : i + COLUMNS] for i in range(0, len(shown), COLUMNS)]
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                text=_("◀ Previous"),
                callback_data=page_cb.model_copy(update={"p": page - 1}).pack(),
            )
        )
    if pages > 1:
        nav.append(
            InlineKeyboardButton(
                text=f"{page + 1}/{pages}",
                callback_data=page_cb.model_copy(update={"p": page}).pack(),
            )
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(
                text=_("Next ▶"), callback_data=page_cb.model_copy(update={"p": page + 1}).pack()
            )
        )
    if nav:
        rows.append(nav)
    if back is not None:
        rows.append([InlineKeyboardButton(text=_("↩ Back"), callback_data=back.pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def buildings(
    mode: str, courtyard_id: int, names: Sequence[str], page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [
        InlineKeyboardButton(
            text=name, callback_data=PickBuilding(mode=mode, c=courtyard_id, b=i).pack()
        )
        for i, name in enumerate(names)
    ]
    cb = PickPage(mode=mode, c=courtyard_id, level="b", b=0, u=0, p=page)
    return _("Which building do you live in?"), _paged(buttons, page, cb)


def units(
    mode: str, courtyard_id: int, b: int, building: str, names: Sequence[str], page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [
        InlineKeyboardButton(
            text=name or _("(no unit)"),
            callback_data=PickUnit(mode=mode, c=courtyard_id, b=b, u=i).pack(),
        )
        for i, name in enumerate(names)
    ]
    cb = PickPage(mode=mode, c=courtyard_id, level="u", b=b, u=0, p=page)
    back = PickPage(mode=mode, c=courtyard_id, level="b", b=0, u=0, p=0)
    text = _("Building %(building)s. Which unit?") % {"building": h(building)}
    return text, _paged(buttons, page, cb, back)


def rooms(
    mode: str,
    courtyard_id: int,
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
    buttons = [
        InlineKeyboardButton(text=room, callback_data=PickRoom(mode=mode, h=hid).pack())
        for hid, room in households
    ]
    cb = PickPage(mode=mode, c=courtyard_id, level="r", b=b, u=u, p=page)
    back = PickPage(mode=mode, c=courtyard_id, level="b" if only_unit else "u", b=b, u=0, p=0)
    text = _("%(place)s. Which room?") % {"place": h(label)}
    return text, _paged(buttons, page, cb, back)


def relations(mode: str, household_id: int, label: str) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [
            InlineKeyboardButton(
                text=str(name),
                callback_data=PickRelation(mode=mode, h=household_id, rel=value).pack(),
            )
        ]
        for value, name in RELATION_NAMES.items()
    ]
    if mode == "j":
        text = _("Room %(room)s. Are you the owner, a tenant, or family?") % {"room": h(label)}
    else:
        text = _("Room %(room)s. How is the neighbour related to it?") % {"room": h(label)}
    return text, InlineKeyboardMarkup(inline_keyboard=rows)
