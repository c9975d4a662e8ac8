"""💰 My bills: which home (if several), its statement, how to pay (the QR code as a photo),
past payments a page at a time, back. Every handler here only reads."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.buttons import drop_buttons, message_of
from handlers.filters import PRIVATE
from handlers.flags import READS_ONLY
from services.access import Actor
from services.clock import Clock
from services.fees import instructions, statements
from services.policy import Policy
from views.fees import bills as view
from views.fees.callbacks import BillsAct, BillsDo, BillsHome
from views.fees.menu import MY_BILLS
from views.menu import MenuButton, main_menu


async def _statement(
    session: AsyncSession, actor: Actor, household_id: int, clock: Clock, policy: Policy
) -> tuple[str, view.Keyboard]:
    today = policy.local(clock()).date()
    return view.statement(await statements.statement(session, actor, household_id, today=today))


async def open_bills(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, policy: Policy
) -> None:
    homes = await statements.homes(session, actor)
    if not homes:
        await message.answer(view.no_home())
        return
    if len(homes) == 1:
        text, keyboard = await _statement(session, actor, homes[0].household_id, clock, policy)
    else:
        text, keyboard = view.choose_home(homes)
    await message.answer(text, reply_markup=keyboard)


async def on_home(
    query: CallbackQuery,
    callback_data: BillsHome,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    text, keyboard = await _statement(session, actor, callback_data.h, clock, policy)
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_act(
    query: CallbackQuery,
    callback_data: BillsAct,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    household_id = callback_data.h
    if callback_data.a is BillsDo.HOW:
        found = await instructions.for_household(session, actor, household_id)
        await drop_buttons(message)
        if found.qr_file_id:
            await message.answer_photo(found.qr_file_id, caption=view.qr_caption(found))
        text, keyboard = view.how_to_pay(found, household_id)
        await message.answer(text, reply_markup=keyboard)
    elif callback_data.a is BillsDo.HISTORY:
        text, keyboard = view.history(
            await statements.history(session, actor, household_id, callback_data.p)
        )
        await message.edit_text(text, reply_markup=keyboard)
    elif callback_data.a is BillsDo.BACK:
        text, keyboard = await _statement(session, actor, household_id, clock, policy)
        await message.edit_text(text, reply_markup=keyboard)
    else:  # HOMES: the list of homes, or (with one home) the menu
        homes = await statements.homes(session, actor)
        if len(homes) > 1:
            text, keyboard = view.choose_home(homes)
            await message.edit_text(text, reply_markup=keyboard)
        else:
            await drop_buttons(message)
            await message.answer(view.back_to_menu(), reply_markup=main_menu(actor))
    await query.answer()


def build() -> Router:
    router = Router(name="fees-bills")
    router.message(Command("bills"), PRIVATE, flags=READS_ONLY)(open_bills)
    router.message(MenuButton(MY_BILLS), PRIVATE, flags=READS_ONLY)(open_bills)
    router.callback_query(BillsHome.filter(), flags=READS_ONLY)(on_home)
    router.callback_query(BillsAct.filter(F.a != BillsDo.PAID), flags=READS_ONLY)(on_act)
    return router
