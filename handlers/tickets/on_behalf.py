"""Customer service and grid leaders file a repair for a household that phoned or came by:
courtyard, then the household picker (purpose FILE_FOR_HOUSEHOLD), how they were told, then
the same steps as a resident's report."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import picker
from handlers.filters import PRIVATE
from handlers.tickets.common import message_of
from handlers.tickets.report import start_for
from services import courtyards, membership
from services.access import Actor, require
from services.errors import Stale
from services.tickets.permissions import FILERS
from services.tickets.reporting import CHANNELS_ON_BEHALF
from views.callbacks import PickCourtyard
from views.menu import MenuButton
from views.tickets import report as view
from views.tickets.callbacks import OnBehalfChannel
from views.tickets.menu import FILE_FOR


async def on_picked(picked: picker.Picked, household_id: int) -> None:
    home = await membership.household(picked.session, household_id)
    await picked.screen.show(*view.on_behalf_channel(home.id, home.label()))


FILE_FOR_HOUSEHOLD = picker.Purpose(
    code="t",
    allowed=picker.requiring(FILERS),
    on_picked=on_picked,
    question=__("📞 Filing a repair for a household. Which building?"),
)


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    require(actor, FILERS)
    await state.clear()
    yards = await courtyards.courtyards_for(session, actor.courtyards_as(FILERS))
    if len(yards) == 1:
        await picker.start(message, state, session, actor, FILE_FOR_HOUSEHOLD, yards[0].id)
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
    query: CallbackQuery,
    callback_data: PickCourtyard,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await picker.start(
        message_of(query), state, session, actor, FILE_FOR_HOUSEHOLD, callback_data.c, edit=True
    )
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
    """This feature's router; a new one per dispatcher."""
    router = Router(name="tickets-on-behalf")
    router.include_router(picker.router(FILE_FOR_HOUSEHOLD))
    router.message(Command("file"), PRIVATE)(begin)
    router.message(MenuButton(FILE_FOR), PRIVATE)(begin)
    router.callback_query(PickCourtyard.filter(F.mode == "tf"))(on_courtyard)
    router.callback_query(OnBehalfChannel.filter())(on_channel)
    return router
