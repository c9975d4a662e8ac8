"""The reporter's answers: 👍 fixed (then a rating and a comment), 👎 not fixed (reopens),
✖ cancel before anyone takes it."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.tickets.common import drop_buttons, message_of
from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from services.tickets import lifecycle
from views.text import h
from views.tickets import words
from views.tickets.callbacks import Act, Rate, Skip
from views.tickets.cards import rating_keyboard


class Rating(StatesGroup):
    comment = State()


async def on_fixed(
    query: CallbackQuery,
    callback_data: Act,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    info = await lifecycle.confirm(session, actor, callback_data.t, clock(), policy)
    message = message_of(query)
    await drop_buttons(message)
    await message.answer(
        _("👍 Thank you! %(number)s is closed. How was the repair?") % {"number": h(info.number)},
        reply_markup=rating_keyboard(info.id),
    )
    await query.answer()


async def on_not_fixed(
    query: CallbackQuery,
    callback_data: Act,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    info = await lifecycle.reopen(session, actor, callback_data.t, clock(), policy)
    message = message_of(query)
    await drop_buttons(message)
    await message.answer(
        _("↩️ Sorry about that. %(number)s is reopened and %(name)s has been told.")
        % {"number": h(info.number), "name": h(info.assignee or "")}
    )
    await query.answer()


async def on_cancel(
    query: CallbackQuery,
    callback_data: Act,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    info = await lifecycle.cancel(session, actor, callback_data.t, clock(), policy)
    message = message_of(query)
    await drop_buttons(message)
    await message.answer(_("✖️ %(number)s is cancelled.") % {"number": h(info.number)})
    await query.answer()


async def on_rate_button(
    query: CallbackQuery, callback_data: Act, session: AsyncSession, actor: Actor
) -> None:
    info = await lifecycle.can(session, actor, callback_data.t, "rate")
    await message_of(query).answer(
        _("How was the repair of %(number)s?") % {"number": h(info.number)},
        reply_markup=rating_keyboard(info.id),
    )
    await query.answer()


async def on_rate(
    query: CallbackQuery,
    callback_data: Rate,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    info = await lifecycle.rate(session, actor, callback_data.t, callback_data.s, clock(), policy)
    await message_of(query).edit_text(
        _("Thank you for rating %(number)s: %(stars)s")
        % {"number": h(info.number), "stars": words.stars(callback_data.s)}
    )
    await state.set_state(Rating.comment)
    await state.set_data({"ticket_id": info.id})
    skip = InlineKeyboardButton(text=_("⏭ Skip"), callback_data=Skip(what="comment").pack())
    await message_of(query).answer(
        _("Anything to add? Send a short comment, or tap Skip."),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[skip]]),
    )
    await query.answer()


async def _ticket_id(state: FSMContext) -> int:
    if await state.get_state() != Rating.comment.state:
        raise Stale()
    data: dict[str, Any] = await state.get_data()
    return int(data["ticket_id"])


async def on_comment(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    ticket_id = await _ticket_id(state)
    await lifecycle.comment(session, actor, ticket_id, message.text or "", clock(), policy)
    await state.clear()
    await message.answer(_("Thank you, we have passed it on."))


async def on_skip_comment(query: CallbackQuery, state: FSMContext) -> None:
    await _ticket_id(state)
    await state.clear()
    await message_of(query).edit_text(_("Thank you!"))
    await query.answer()


def build() -> Router:
    router = Router(name="tickets-reporter")
    router.callback_query(Act.filter(F.a == "fixed"))(on_fixed)
    router.callback_query(Act.filter(F.a == "notfixed"))(on_not_fixed)
    router.callback_query(Act.filter(F.a == "cancel"))(on_cancel)
    router.callback_query(Act.filter(F.a == "rate"))(on_rate_button)
    router.callback_query(Rate.filter())(on_rate)
    router.callback_query(Skip.filter(F.what == "comment"))(on_skip_comment)
    return router


def build_inputs() -> Router:
    router = Router(name="tickets-reporter-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    router.message(StateFilter(Rating.comment), Where(F.text))(on_comment)
    return router
