"""A resident answers a fee reminder with its buttons (forgot, difficulties, the service,
moved out, something else), then may type a few words; finance resumes paused reminders."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.tickets.common import drop_buttons, message_of
from models import ReminderAnswer
from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.fees import reminder_answers
from services.policy import Policy
from views.fees import reminder_replies
from views.fees.reminder_callbacks import AnswerReminder, ResumeReminders, SkipNote


class ReminderNote(StatesGroup):
    text = State()


async def on_answer(
    query: CallbackQuery,
    callback_data: AnswerReminder,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    result = await reminder_answers.answer(
        session, actor, callback_data.r, callback_data.a, clock(), policy
    )
    text, keyboard = reminder_replies.answered(result)
    if result.answer is ReminderAnswer.FORGOT:
        await state.clear()
    else:  # whatever is typed next is the answer's note
        await state.set_state(ReminderNote.text)
        await state.set_data({"reminder_id": result.reminder_id})
    await message_of(query).answer(text, reply_markup=keyboard)
    await query.answer()


async def on_note(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await state.get_data()
    if "reminder_id" not in data:
        raise Stale()
    await reminder_answers.add_note(
        session, actor, int(data["reminder_id"]), message.text or "", clock(), policy
    )
    await state.clear()
    await message.answer(reminder_replies.noted())


async def on_skip(query: CallbackQuery, callback_data: SkipNote, state: FSMContext) -> None:
    await state.clear()
    await message_of(query).edit_text(reminder_replies.no_note())
    await query.answer()


async def on_resume(
    query: CallbackQuery,
    callback_data: ResumeReminders,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    lifted = await reminder_answers.lift_pause(session, actor, callback_data.p, clock())
    message = message_of(query)
    await drop_buttons(message)
    await message.answer(reminder_replies.resumed(lifted))
    await query.answer()


def build() -> Router:
    router = Router(name="fees-reminders")
    router.callback_query(AnswerReminder.filter())(on_answer)
    router.callback_query(SkipNote.filter())(on_skip)
    router.callback_query(ResumeReminders.filter())(on_resume)
    return router


def build_inputs() -> Router:
    router = Router(name="fees-reminders-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    router.message(StateFilter(ReminderNote.text), Where(F.text))(on_note)
    return router
