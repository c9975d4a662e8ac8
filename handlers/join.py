"""Choosing building, unit, room and relation with buttons; for joining, or for a leader
registering a neighbour (mode "r", which continues in handlers.register)."""

from __future__ import annotations

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.register import ask_name
from models import Relation
from services import membership
from services.access import Actor, require
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from views import pickers
from views.callbacks import PickBuilding, PickPage, PickRelation, PickRoom, PickUnit
from views.text import h, relation_name


def _message(query: CallbackQuery) -> Message:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        raise Stale()
    return query.message


def _check_mode(actor: Actor, mode: str, courtyard_id: int) -> None:
    if mode == "r":
        require(actor, membership.LEADER_ROLES, courtyard_id)
    elif mode != "j":
        raise Stale()


async def _edit(message: Message, text: str, keyboard: InlineKeyboardMarkup) -> None:
    """Show this step in place of the last one. Tapping the page number (or a button twice)
    shows the same step again, which Telegram refuses as 'message is not modified'."""
    try:
        await message.edit_text(text, reply_markup=keyboard)
    except TelegramBadRequest as error:
        if "message is not modified" not in str(error):
            raise


async def _building(session: AsyncSession, c: int, b: int) -> str:
    names = await membership.buildings(session, c)
    if not 0 <= b < len(names):
        raise Stale()
    return names[b]


async def _unit(session: AsyncSession, c: int, building: str, u: int) -> tuple[str, list[str]]:
    names = await membership.units(session, c, building)
    if not 0 <= u < len(names):
        raise Stale()
    return names[u], names


async def show_buildings(
    message: Message, session: AsyncSession, mode: str, c: int, page: int = 0
) -> None:
    text, keyboard = pickers.buildings(mode, c, await membership.buildings(session, c), page)
    await _edit(message, text, keyboard)


async def show_units(
    message: Message, session: AsyncSession, mode: str, c: int, b: int, page: int = 0
) -> None:
    building = await _building(session, c, b)
    names = await membership.units(session, c, building)
    if len(names) == 1:  # a building without units: straight to its rooms
        await show_rooms(message, session, mode, c, b, 0)
        return
    text, keyboard = pickers.units(mode, c, b, building, names, page)
    await _edit(message, text, keyboard)


async def show_rooms(
    message: Message, session: AsyncSession, mode: str, c: int, b: int, u: int, page: int = 0
) -> None:
    building = await _building(session, c, b)
    unit, units = await _unit(session, c, building, u)
    homes = await membership.rooms(session, c, building, unit)
    label = "-".join(p for p in (building, unit) if p)
    text, keyboard = pickers.rooms(
        mode, c, b, u, label, [(x.id, x.room) for x in homes], page, only_unit=len(units) == 1
    )
    await _edit(message, text, keyboard)


async def on_building(
    query: CallbackQuery, callback_data: PickBuilding, session: AsyncSession, actor: Actor
) -> None:
    _check_mode(actor, callback_data.mode, callback_data.c)
    await show_units(_message(query), session, callback_data.mode, callback_data.c, callback_data.b)
    await query.answer()


async def on_unit(
    query: CallbackQuery, callback_data: PickUnit, session: AsyncSession, actor: Actor
) -> None:
    _check_mode(actor, callback_data.mode, callback_data.c)
    await show_rooms(
        _message(query),
        session,
        callback_data.mode,
        callback_data.c,
        callback_data.b,
        callback_data.u,
    )
    await query.answer()


async def on_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    cb = callback_data
    _check_mode(actor, cb.mode, cb.c)
    message = _message(query)
    if cb.level == "b":
        await show_buildings(message, session, cb.mode, cb.c, cb.p)
    elif cb.level == "u":
        await show_units(message, session, cb.mode, cb.c, cb.b, cb.p)
    elif cb.level == "r":
        await show_rooms(message, session, cb.mode, cb.c, cb.b, cb.u, cb.p)
    else:
        raise Stale()
    await query.answer()


async def on_room(
    query: CallbackQuery, callback_data: PickRoom, session: AsyncSession, actor: Actor
) -> None:
    home = await membership.household(session, callback_data.h)
    _check_mode(actor, callback_data.mode, home.courtyard_id)
    text, keyboard = pickers.relations(callback_data.mode, home.id, home.label())
    await _edit(_message(query), text, keyboard)
    await query.answer()


async def on_relation(
    query: CallbackQuery,
    callback_data: PickRelation,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
    state: FSMContext,
) -> None:
    try:
        relation = Relation(callback_data.rel)
    except ValueError:
        raise Stale() from None
    home = await membership.household(session, callback_data.h)
    _check_mode(actor, callback_data.mode, home.courtyard_id)
    message = _message(query)
    if callback_data.mode == "r":
        await ask_name(message, state, home.id, home.label(), relation)
        await query.answer()
        return
    result = await membership.request(session, actor, home.id, relation, clock(), policy)
    await message.edit_text(
        _(
            "📨 Your request to join %(courtyard)s, room %(household)s, as %(relation)s has been "
            "sent to the grid leader. You will get a message when they answer."
        )
        % {
            "courtyard": h(result.courtyard_name),
            "household": h(result.household_label),
            "relation": relation_name(relation.value).lower(),
        }
    )
    await query.answer(_("Request sent"))


def build() -> Router:
    """This feature's router; a new one per dispatcher."""
    router = Router(name="join")
    router.callback_query(PickBuilding.filter())(on_building)
    router.callback_query(PickUnit.filter())(on_unit)
    router.callback_query(PickPage.filter())(on_page)
    router.callback_query(PickRoom.filter())(on_room)
    router.callback_query(PickRelation.filter())(on_relation)
    return router
