"""The last taps of composing: 📤 发送 (the draft scheduled, with a minute to withdraw it),
✖ 取消 on the preview (the draft dropped) and ↩ 撤回 before it goes out."""

from __future__ import annotations

from datetime import timedelta

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.notices.common import message_of
from services.access import Actor
from services.clock import Clock
from services.notices import compose, lifecycle
from services.policy import Policy
from views.notices import compose as view
from views.notices.callbacks import NoticeAction, Step


async def on_send(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    now = clock()
    done = await lifecycle.send(session, actor, callback_data.n, now, policy)
    await state.clear()
    later = done.goes_out_at - now > compose.GRACE + timedelta(seconds=5)
    text, keyboard = view.scheduled(
        callback_data.n, done.goes_out_at, now, policy.timezone, later=later
    )
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_discard(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
) -> None:
    await lifecycle.discard(session, actor, callback_data.n, clock())
    await state.clear()
    await message_of(query).edit_text(view.discarded())
    await query.answer()


async def on_withdraw(
    query: CallbackQuery, callback_data: Step, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await lifecycle.withdraw(session, actor, callback_data.n, clock())
    await message_of(query).edit_text(view.withdrawn())
    await query.answer()


def build() -> Router:
    router = Router(name="notices-send")
    router.callback_query(Step.filter(F.a == NoticeAction.SEND))(on_send)
    router.callback_query(Step.filter(F.a == NoticeAction.DISCARD))(on_discard)
    router.callback_query(Step.filter(F.a == NoticeAction.WITHDRAW))(on_withdraw)
    return router
