"""🙋 Claim on a ticket's card (in the staff group or in private), and grid leaders giving a
ticket to a named worker: /assign WSL-0001, or 👤 on the ticket."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from handlers.tickets.common import message_of
from services.access import Actor
from services.clock import Clock
from services.errors import N_, InvalidInput
from services.policy import Policy
from services.tickets import claiming, queries
from services.tickets.transitions import TicketAction
from views.text import h
from views.tickets import prompts
from views.tickets.callbacks import AssignTo, Claim, Step


async def on_claim(
    query: CallbackQuery,
    callback_data: Claim,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    claimed = await claiming.claim(session, actor, callback_data.t, clock(), policy)
    # the cards everywhere are edited through the outbox; the details come in private
    await query.answer(
        _("✅ %(number)s is yours. The details are in your private chat with me.")
        % {"number": claimed.number},
        show_alert=True,
    )


async def _workers(
    message: Message, session: AsyncSession, actor: Actor, ticket_id: int, *, edit: bool
) -> None:
    ticket = await queries.detail(session, actor, ticket_id)
    found = await claiming.workers(session, actor, ticket.courtyard_id)
    if not found:
        raise InvalidInput(
            N_(
                "This courtyard has no repair workers yet. Please ask the "
                "service center to add one."
            )
        )
    text, markup = prompts.workers(ticket.number, ticket_id, found)
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


async def assign_command(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    number = (command.args or "").strip()
    if not number:
        raise InvalidInput(N_("Please add the ticket number, like: /assign WSL-0001"))
    ticket = await queries.find(session, actor, number)
    await _workers(message, session, actor, ticket.id, edit=False)


async def on_assign(
    query: CallbackQuery, callback_data: Step, session: AsyncSession, actor: Actor
) -> None:
    await _workers(message_of(query), session, actor, callback_data.t, edit=False)
    await query.answer()


async def on_assign_to(
    query: CallbackQuery,
    callback_data: AssignTo,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    given = await claiming.assign(session, actor, callback_data.t, callback_data.u, clock(), policy)
    await message_of(query).edit_text(
        _("👤 %(number)s is now with %(name)s. They have been told.")
        % {"number": h(given.number), "name": h(given.assignee or "")}
    )
    await query.answer()


def build() -> Router:
    router = Router(name="tickets-claim")
    router.callback_query(Claim.filter())(on_claim)
    router.message(Command("assign"), PRIVATE)(assign_command)
    router.callback_query(Step.filter(F.a == TicketAction.ASSIGN))(on_assign)
    router.callback_query(AssignTo.filter())(on_assign_to)
    return router
