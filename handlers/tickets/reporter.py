"""The reporter's answers: 👍 fixed (then a rating and a comment), 👎 not fixed (asks first,
then a reason, then reopens), ✖ cancel before anyone takes it (asks first)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.tickets.common import CurrentState, drop_buttons, message_of
from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from services.tickets import lifecycle, queries
from services.tickets.info import TicketInfo
from services.tickets.permissions import capacity
from services.tickets.transitions import TicketAction
from views.text import h
from views.tickets import prompts, words
from views.tickets.callbacks import Act, Look, Rate, Skip, Step
from views.tickets.cards import (
    confirm_cancel,
    confirm_reopen,
    keyboard,
    rating_keyboard,
    summary,
)

A = TicketAction


class Rating(StatesGroup):
    comment = State()


class Reopening(StatesGroup):
    reason = State()


async def _edit_to_current(
    message: Message, actor: Actor, info: TicketInfo, clock: Clock, policy: Policy
) -> None:
    """The message whose button was tapped now shows the ticket as it is."""
    viewer = capacity(
        actor,
        courtyard_id=info.courtyard_id,
        household_id=info.household_id,
        reporter_id=info.reporter_id,
        on_behalf=info.on_behalf,
        assignee_id=info.assignee_id,
    )
    if message.photo:  # a fix with its after-photo: the words are the caption
        await drop_buttons(message)
        return
    await message.edit_text(
        "\n".join(summary(info, policy.timezone)),
        reply_markup=keyboard(info, viewer, clock()),
    )


async def on_fixed(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    info = await lifecycle.confirm(
        session, actor, callback_data.t, clock(), policy, version=callback_data.v
    )
    message = message_of(query)
    await _edit_to_current(message, actor, info, clock, policy)
    await message.answer(
        _("👍 Thank you! %(number)s is closed. How was the repair?") % {"number": h(info.number)},
        reply_markup=rating_keyboard(info),
    )
    await query.answer()


async def on_not_fixed(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
) -> None:
    """👎: are you sure? Then: what is still wrong? (typed) Then it reopens."""
    info = await lifecycle.can(
        session, actor, callback_data.t, A.REOPEN, now=clock(), version=callback_data.v
    )
    message = message_of(query)
    if not callback_data.ok:
        rendered = confirm_reopen(info)
        await message.answer(rendered.text, reply_markup=rendered.reply_markup)
    else:
        await drop_buttons(message)
        await state.set_state(Reopening.reason)
        await state.set_data({"ticket_id": info.id, "version": info.version})
        await message.edit_text(prompts.reopen_reason(info))
    await query.answer()


async def on_reopen_reason(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await _expect(state, Reopening.reason)
    info = await lifecycle.reopen(
        session,
        actor,
        int(data["ticket_id"]),
        clock(),
        policy,
        reason=message.text or "",
        version=int(data["version"]),
    )
    await state.clear()
    await message.answer(
        _("↩️ Sorry about that. %(number)s is reopened and %(name)s has been told.")
        % {"number": h(info.number), "name": h(info.assignee or "")}
    )


async def on_cancel(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    """✖: are you sure? Only then the request is withdrawn."""
    message = message_of(query)
    if not callback_data.ok:
        info = await lifecycle.can(
            session, actor, callback_data.t, A.CANCEL, now=clock(), version=callback_data.v
        )
        rendered = confirm_cancel(info)
        await message.answer(rendered.text, reply_markup=rendered.reply_markup)
    else:
        info = await lifecycle.cancel(
            session, actor, callback_data.t, clock(), policy, version=callback_data.v
        )
        await _edit_to_current(message, actor, info, clock, policy)
        await message.answer(_("✖️ %(number)s is cancelled.") % {"number": h(info.number)})
    await query.answer()


async def on_keep(
    query: CallbackQuery, callback_data: Act, session: AsyncSession, actor: Actor
) -> None:
    """No to the question: nothing changes; the question goes."""
    info = await queries.detail(session, actor, callback_data.t)
    await message_of(query).edit_text(
        _("OK, %(number)s stays as it is.") % {"number": h(info.number)}
    )
    await query.answer()


async def on_rate_button(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    info = await lifecycle.can(
        session, actor, callback_data.t, A.RATE, now=clock(), version=callback_data.v
    )
    await message_of(query).answer(
        _("How was the repair of %(number)s?") % {"number": h(info.number)},
        reply_markup=rating_keyboard(info),
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
    info = await lifecycle.rate(
        session, actor, callback_data.t, callback_data.s, clock(), policy, version=callback_data.v
    )
    await message_of(query).edit_text(
        _("Thank you for rating %(number)s: %(stars)s")
        % {"number": h(info.number), "stars": words.stars(callback_data.s)}
    )
    # whatever is typed next is the rating's comment
    await state.set_state(Rating.comment)
    await state.set_data({"ticket_id": info.id})
    text, keyboard = prompts.comment()
    await message_of(query).answer(text, reply_markup=keyboard)
    await query.answer()


async def _expect(state: FSMContext, step: State) -> dict[str, Any]:
    if await state.get_state() != step.state:
        raise Stale()
    return await state.get_data()


async def on_comment(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    data = await _expect(state, Rating.comment)
    await lifecycle.comment(
        session, actor, int(data["ticket_id"]), message.text or "", clock(), policy
    )
    await state.clear()
    await message.answer(_("Thank you, we have passed it on."))


async def on_skip_comment(query: CallbackQuery, state: FSMContext) -> None:
    await _expect(state, Rating.comment)
    await state.clear()
    await message_of(query).edit_text(_("Thank you!"))
    await query.answer()


def build() -> Router:
    router = Router(name="tickets-reporter")
    router.callback_query.middleware(CurrentState())
    router.callback_query(Step.filter(F.a == A.CONFIRM))(on_fixed)
    router.callback_query(Step.filter(F.a == A.REOPEN))(on_not_fixed)
    router.callback_query(Step.filter(F.a == A.CANCEL))(on_cancel)
    router.callback_query(Step.filter(F.a == A.RATE))(on_rate_button)
    router.callback_query(Act.filter(F.a == Look.KEEP))(on_keep)
    router.callback_query(Rate.filter())(on_rate)
    router.callback_query(Skip.filter(F.what == "comment"))(on_skip_comment)
    return router


def build_inputs() -> Router:
    router = Router(name="tickets-reporter-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    router.message(StateFilter(Rating.comment), Where(F.text))(on_comment)
    router.message(StateFilter(Reopening.reason), Where(F.text))(on_reopen_reason)
    return router
