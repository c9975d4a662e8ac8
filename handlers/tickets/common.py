"""Small pieces the ticket handlers share: the message behind a button, taking the buttons
off a message once they have been used, and what a button on an outdated message does."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InaccessibleMessage, Message, TelegramObject

from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from services.tickets.errors import TicketMovedOn
from services.tickets.permissions import capacity
from views.tickets.cards import detail, moved_on


def message_of(query: CallbackQuery) -> Message:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        raise Stale()
    return query.message


async def drop_buttons(message: Message) -> None:
    """Used buttons go away, so an old message cannot be tapped again by mistake."""
    if message.reply_markup is None:
        return
    # too old to edit, or already edited: the buttons are checked again when tapped anyway
    with contextlib.suppress(TelegramBadRequest):
        await message.edit_reply_markup(reply_markup=None)


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
