"""🏦 Payment instructions (finance and admins): which courtyard (if several), what residents
see now, then text and a QR photo in any order (each saved at once), ✅ Done shows what
residents see under 💳 How to pay."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.buttons import drop_buttons, message_of
from handlers.fees.claiming import CANCEL_WORDS
from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from services.access import Actor, require
from services.clock import Clock
from services.errors import N_, InvalidInput, NotAllowed, Stale
from services.fees import instructions
from views.fees import bills as bills_view
from views.fees import instructions as view
from views.fees.callbacks import SetupCourtyard, SetupDo, SetupStep
from views.fees.menu import PAYMENT_SETUP
from views.menu import AnyMenuButton, MenuButton


class InstructionsSetting(StatesGroup):
    waiting = State()


async def _begin(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, courtyard_id: int
) -> None:
    require(actor, instructions.SETTERS, courtyard_id)
    found = await instructions.of_courtyard(session, courtyard_id)
    await state.set_state(InstructionsSetting.waiting)
    await state.set_data({"courtyard_id": courtyard_id})
    text, keyboard = view.setup(found)
    await message.answer(text, reply_markup=keyboard)


async def open_setup(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    found = await instructions.courtyards_to_set(session, actor)
    if not found:
        raise NotAllowed(roles=instructions.SETTERS)
    if len(found) == 1:
        await _begin(message, session, actor, state, found[0].id)
        return
    text, keyboard = view.choose_courtyard(found)
    await message.answer(text, reply_markup=keyboard)


async def on_courtyard(
    query: CallbackQuery,
    callback_data: SetupCourtyard,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    message = message_of(query)
    await drop_buttons(message)
    await _begin(message, session, actor, state, callback_data.c)
    await query.answer()


async def _courtyard(state: FSMContext) -> int:
    if await state.get_state() != InstructionsSetting.waiting.state:
        raise Stale()
    return int((await state.get_data())["courtyard_id"])


async def on_text(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, clock: Clock
) -> None:
    found = await instructions.set_details(
        session, actor, await _courtyard(state), message.text or "", clock()
    )
    text, keyboard = view.saved_text(found)
    await message.answer(text, reply_markup=keyboard)


async def on_photo(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, clock: Clock
) -> None:
    assert message.photo
    found = await instructions.set_qr(
        session, actor, await _courtyard(state), message.photo[-1].file_id, clock()
    )
    text, keyboard = view.saved_qr(found)
    await message.answer(text, reply_markup=keyboard)


async def text_or_photo(message: Message) -> None:
    raise InvalidInput(N_("Please send text or a photo, or tap ✅ Done."))


async def on_clear_qr(
    query: CallbackQuery,
    callback_data: SetupStep,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    found = await instructions.clear_qr(session, actor, callback_data.c, clock())
    message = message_of(query)
    await drop_buttons(message)
    text, keyboard = view.cleared_qr(found)
    await message.answer(text, reply_markup=keyboard)
    await query.answer()


async def on_done(
    query: CallbackQuery,
    callback_data: SetupStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    require(actor, instructions.SETTERS, callback_data.c)
    found = await instructions.of_courtyard(session, callback_data.c)
    await state.clear()
    message = message_of(query)
    await drop_buttons(message)
    await message.answer(view.done())
    if found.qr_file_id:
        await message.answer_photo(found.qr_file_id, caption=bills_view.qr_caption(found))
    await message.answer(bills_view.how_to_pay_text(found))
    await query.answer()


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(view.done())


async def leave(message: Message, state: FSMContext) -> None:
    await state.clear()
    raise SkipHandler()


def build() -> Router:
    router = Router(name="fees-instructions")
    router.message(MenuButton(PAYMENT_SETUP), PRIVATE, flags=READS_ONLY)(open_setup)
    router.callback_query(SetupCourtyard.filter(), flags=READS_ONLY)(on_courtyard)
    router.callback_query(SetupStep.filter(F.a == SetupDo.CLEAR_QR))(on_clear_qr)
    router.callback_query(SetupStep.filter(F.a == SetupDo.DONE), flags=READS_ONLY)(on_done)
    router.message(Command("cancel"), StateFilter(InstructionsSetting), PRIVATE, flags=READS_ONLY)(
        cancel
    )
    router.message(StateFilter(InstructionsSetting), PRIVATE, AnyMenuButton(), flags=READS_ONLY)(
        leave
    )
    return router


def build_inputs() -> Router:
    router = Router(name="fees-instructions-inputs")
    router.message.filter(PRIVATE, StateFilter(InstructionsSetting), Where(~F.text.startswith("/")))
    router.message(Where(F.text.in_(CANCEL_WORDS)), flags=READS_ONLY)(cancel)
    router.message(Where(F.text))(on_text)
    router.message(Where(F.photo))(on_photo)
    router.message(flags=READS_ONLY)(text_or_photo)
    return router
