"""✅ 收到 under a notice (private letter, reminder, group post), and the author's one tap
只提醒未回执的 after the deadline."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.notices.common import message_of
from services.access import Actor
from services.clock import Clock
from services.notices import acks
from services.policy import Policy
from views.notices import lists as view
from views.notices.callbacks import Ack, NoticeAction, Step


async def on_ack(
    query: CallbackQuery, callback_data: Ack, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    """In a group, only a member of a household in scope counts (others get a polite alert);
    the group sees nothing of who confirmed."""
    where: acks.Where = "private" if message_of(query).chat.type == "private" else "group"
    await acks.acknowledge(session, actor, callback_data.n, clock(), where)
    await query.answer(view.acknowledged(), show_alert=where == "group")


async def on_remind(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    people = await acks.remind(session, actor, callback_data.n, clock(), policy)
    message = message_of(query)
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(view.reminded(people))
    await query.answer()


def build() -> Router:
    router = Router(name="notices-acks")
    router.callback_query(Ack.filter())(on_ack)
    router.callback_query(Step.filter(F.a == NoticeAction.REMIND))(on_remind)
    return router
