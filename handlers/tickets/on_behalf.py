"""Customer service and grid leaders file a repair for a household that phoned or came by:
courtyard, building, unit and room by buttons (the join pickers, mode "t"), how they were
told, then the same steps as a resident's report."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import join
from handlers.filters import PRIVATE
from handlers.tickets.common import message_of
from handlers.tickets.report import start_for
from services import courtyards, membership
from services.access import Actor, require
from services.errors import Stale
from services.tickets.permissions import FILERS
from services.tickets.reporting import CHANNELS_ON_BEHALF
from views import pickers
from views.callbacks import PickBuilding, PickCourtyard, PickPage, PickRoom, PickUnit
from views.menu import MenuButton
from views.tickets import report as view
from views.tickets.callbacks import OnBehalfChannel
from views.tickets.menu import FILE_FOR

MODE = "t"


async def _buildings(
    message: Message, session: AsyncSession, courtyard_id: int, *, edit: bool, page: int = 0
) -> None:
    names = await membership.buildings(session, courtyard_id)
    _text, keyboard = pickers.buildings(MODE, courtyard_id, names, page)
    text = _("📞 Filing a repair for a household. Which building?")
    if edit:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    require(actor, FILERS)
    await state.clear()
    yards = await courtyards.courtyards_for(session, actor.courtyards_as(FILERS))
    if len(yards) == 1:
        await _buildings(message, session, yards[0].id, edit=False)
        return
    rows = [
        [InlineKeyboardButton(text=c.name, callback_data=PickCourtyard(mode="tf", c=c.id).pack())]
        for c in yards
    ]
    await message.answer(
        _("📞 Filing a repair for a household. Which courtyard?"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


async def on_courtyard(
    query: CallbackQuery, callback_data: PickCourtyard, session: AsyncSession, actor: Actor
) -> None:
    require(actor, FILERS, callback_data.c)
    await _buildings(message_of(query), session, callback_data.c, edit=True)
    await query.answer()


async def on_building(
    query: CallbackQuery, callback_data: PickBuilding, session: AsyncSession, actor: Actor
) -> None:
    require(actor, FILERS, callback_data.c)
    await join.show_units(message_of(query), session, MODE, callback_data.c, callback_data.b)
    await query.answer()


async def on_unit(
    query: CallbackQuery, callback_data: PickUnit, session: AsyncSession, actor: Actor
) -> None:
    cb = callback_data
    require(actor, FILERS, cb.c)
    await join.show_rooms(message_of(query), session, MODE, cb.c, cb.b, cb.u)
    await query.answer()


async def on_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    cb = callback_data
    require(actor, FILERS, cb.c)
    message = message_of(query)
    if cb.level == "b":
        await _buildings(message, session, cb.c, edit=True, page=cb.p)
    elif cb.level == "u":
        await join.show_units(message, session, MODE, cb.c, cb.b, cb.p)
    elif cb.level == "r":
        await join.show_rooms(message, session, MODE, cb.c, cb.b, cb.u, cb.p)
    else:
        raise Stale()
    await query.answer()


async def on_room(
    query: CallbackQuery, callback_data: PickRoom, session: AsyncSession, actor: Actor
) -> None:
    home = await membership.household(session, callback_data.h)
    require(actor, FILERS, home.courtyard_id)
    text, keyboard = view.on_behalf_channel(home.id, home.label())
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_channel(
    query: CallbackQuery,
    callback_data: OnBehalfChannel,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    if callback_data.ch not in CHANNELS_ON_BEHALF:
        raise Stale()
    home = await membership.household(session, callback_data.h)
    require(actor, FILERS, home.courtyard_id)
    await start_for(message_of(query), state, home.id, home.label(), callback_data.ch, edit=True)
    await query.answer()


def build() -> Router:
    """Must come before handlers.join, whose pickers refuse modes they do not know."""
    router = Router(name="tickets-on-behalf")
    router.message(Command("file"), PRIVATE)(begin)
    router.message(MenuButton(FILE_FOR), PRIVATE)(begin)
    router.callback_query(PickCourtyard.filter(F.mode == "tf"))(on_courtyard)
    router.callback_query(PickBuilding.filter(F.mode == MODE))(on_building)
    router.callback_query(PickUnit.filter(F.mode == MODE))(on_unit)
    router.callback_query(PickPage.filter(F.mode == MODE))(on_page)
    router.callback_query(PickRoom.filter(F.mode == MODE))(on_room)
    router.callback_query(OnBehalfChannel.filter())(on_channel)
    return router
