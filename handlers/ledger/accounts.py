"""Residents read their courtyard's published accounts (📒 Accounts, /accounts): a month's
picture and files, then its lines with ❓ to ask about one. The question goes to finance and
the grid leader, whose ✍ Answer is published with it, without the asker's name."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.attachments import answer_file
from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from handlers.tickets.common import message_of
from services.access import Actor, Role, require
from services.clock import Clock
from services.errors import N_, InvalidInput
from services.ledger import disclosure, queries, questions
from services.policy import Policy
from views.ledger import screens
from views.ledger.callbacks import Answer, Ask, Month, Months
from views.ledger.menu import ACCOUNTS
from views.ledger.renderers import disclosure as render_disclosure
from views.menu import MenuButton, main_menu
from views.outbox import RenderContext


class Asking(StatesGroup):
    question = State()
    answer = State()


async def _month_list(
    message: Message, session: AsyncSession, actor: Actor, courtyard_id: int
) -> None:
    months = await disclosure.months(session, actor, courtyard_id)
    name = (
        months[0].courtyard
        if months
        else next(
            (
                c.name
                for c in await queries.courtyards_of(session, actor, (Role.RESIDENT,))
                if c.id == courtyard_id
            ),
            "",
        )
    )
    text, keyboard = screens.month_list(name, months)
    await message.answer(text, reply_markup=keyboard)


async def open_accounts(message: Message, session: AsyncSession, actor: Actor) -> None:
    require(actor, (Role.RESIDENT,))
    choices = await queries.courtyards_of(session, actor, (Role.RESIDENT,))
    if len(choices) == 1:
        await _month_list(message, session, actor, choices[0].id)
        return
    text, keyboard = screens.resident_courtyards(choices)
    await message.answer(text, reply_markup=keyboard)


async def on_months(
    query: CallbackQuery, callback_data: Months, session: AsyncSession, actor: Actor
) -> None:
    await _month_list(message_of(query), session, actor, callback_data.c)
    await query.answer()


async def on_month(
    query: CallbackQuery,
    callback_data: Month,
    session: AsyncSession,
    actor: Actor,
    policy: Policy,
) -> None:
    """A published month: its picture and two files (first time), then a page of its lines."""
    message = message_of(query)
    published = await disclosure.one(session, actor, callback_data.d)
    if callback_data.files:
        context = RenderContext(policy.timezone)
        for part in disclosure.PARTS:
            payload = await disclosure.payload(session, published, part)
            # a picture, a workbook, a PDF: built off the event loop, like the sender does
            rendered = await asyncio.to_thread(render_disclosure, payload, context)
            if rendered.attachment is None:
                await message.answer(rendered.text)
            else:
                await answer_file(message, rendered)
    page = await queries.published_lines(session, actor, callback_data.d, callback_data.p)
    text, keyboard = screens.lines_page(page)
    if callback_data.files:
        await message.answer(text, reply_markup=keyboard)
    else:
        await message.edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_ask(
    query: CallbackQuery,
    callback_data: Ask,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    line = await disclosure.published_line(session, actor, callback_data.d, callback_data.s)
    await state.set_state(Asking.question)
    await state.set_data({"d": callback_data.d, "s": callback_data.s})
    text, keyboard = screens.ask_question(line)
    await message_of(query).answer(text, reply_markup=keyboard)
    await query.answer()


async def on_question(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await state.get_data()
    await questions.ask(
        session, actor, int(data["d"]), int(data["s"]), message.text, now=clock(), policy=policy
    )
    await state.clear()
    await message.answer(screens.question_sent(), reply_markup=main_menu(actor))


async def on_answer_button(
    query: CallbackQuery,
    callback_data: Answer,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    info = await questions.detail(session, actor, callback_data.q)
    await state.set_state(Asking.answer)
    await state.set_data({"q": info.id})
    text, keyboard = screens.ask_answer(info.line, info.question)
    await message_of(query).answer(text, reply_markup=keyboard)
    await query.answer()


async def on_answer(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await state.get_data()
    await questions.answer(session, actor, int(data["q"]), message.text, now=clock(), policy=policy)
    await state.clear()
    await message.answer(screens.answer_sent(), reply_markup=main_menu(actor))


async def words_please(message: Message) -> None:
    raise InvalidInput(N_("Please write it in words, or tap ✖ Cancel."))


def build() -> Router:
    router = Router(name="ledger-accounts")
    router.message(Command("accounts"), PRIVATE, flags=READS_ONLY)(open_accounts)
    router.message(MenuButton(ACCOUNTS), PRIVATE, flags=READS_ONLY)(open_accounts)
    router.callback_query(Months.filter(), flags=READS_ONLY)(on_months)
    router.callback_query(Month.filter(), flags=READS_ONLY)(on_month)
    router.callback_query(Ask.filter())(on_ask)
    router.callback_query(Answer.filter())(on_answer_button)
    return router


def build_inputs() -> Router:
    router = Router(name="ledger-accounts-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    router.message(StateFilter(Asking.question), Where(F.text))(on_question)
    router.message(StateFilter(Asking.answer), Where(F.text))(on_answer)
    router.message(StateFilter(Asking))(words_please)
    return router
