"""What a ticket button on an outdated message does; the message behind a button and dropping
used buttons come from handlers.buttons (re-exported here for the ticket handlers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject

from handlers.buttons import drop_buttons, message_of
from services.access import Actor
from services.clock import Clock
from services.policy import Policy
from services.tickets.errors import TicketMovedOn
from services.tickets.permissions import capacity
from views.tickets.cards import detail, moved_on


class CurrentState(BaseMiddleware):
    """A ticket button on a message the ticket has moved on from: nothing is done; the
    person is told where it stands now, the old buttons go, and the current details (with
    the buttons that are valid now) come as a new message."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except TicketMovedOn as moved:
            assert isinstance(event, CallbackQuery)
            await show_current(event, moved, data["actor"], data["clock"], data["policy"])
            return None


async def show_current(
    query: CallbackQuery, moved: TicketMovedOn, actor: Actor, clock: Clock, policy: Policy
) -> None:
    info = moved.info
    message = message_of(query)
    await drop_buttons(message)
    viewer = capacity(
        actor,
        courtyard_id=info.courtyard_id,
        household_id=info.household_id,
        reporter_id=info.reporter_id,
        on_behalf=info.on_behalf,
        assignee_id=info.assignee_id,
    )
    rendered = detail(info, viewer, policy.timezone, clock())
    await message.answer(rendered.text, reply_markup=rendered.reply_markup)
    await query.answer(moved_on(info), show_alert=True)


__all__ = ["CurrentState", "drop_buttons", "message_of", "show_current"]
