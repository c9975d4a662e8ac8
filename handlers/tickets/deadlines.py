"""/deadline: a courtyard's times to take and to fix tickets, shown and changed by its grid
leaders (or the service center)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from models import TicketCategory, Urgency
from services import courtyards
from services.access import Actor, require
from services.clock import Clock
from services.courtyards import CourtyardInfo
from services.errors import N_, InvalidInput
from services.tickets import deadlines
from services.tickets.permissions import LEADERS
from views.tickets import lists as view


def _usage() -> InvalidInput:
    return InvalidInput(
        N_(
            "Write it like: /deadline elevator urgent 15m 12h (with the courtyard code first "
            "if you lead several: /deadline WSL elevator urgent 15m 12h)."
        )
    )


def _parse(words: list[str], led: list[CourtyardInfo]) -> tuple[CourtyardInfo, list[str]]:
    if len(words) == 5:
        code, *rest = words
        found = [c for c in led if c.code.upper() == code.upper()]
        if not found:
            raise InvalidInput(N_("You do not lead a courtyard with the code %(code)s."), code=code)
        return found[0], rest
    if len(words) == 4 and len(led) == 1:
        return led[0], words
    raise _usage()


async def deadline(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    require(actor, LEADERS)
    led = await courtyards.courtyards_for(session, actor.courtyards_as(LEADERS))
    words = (command.args or "").split()
    if words:
        courtyard, (category, urgency, claim, resolve) = _parse(words, led)
        try:
            chosen = None if category.lower() == "all" else TicketCategory(category.lower())
            level = Urgency(urgency.lower())
        except ValueError:
            raise _usage() from None
        window = deadlines.Window(
            deadlines.parse_duration(claim), deadlines.parse_duration(resolve)
        )
        await deadlines.set_window(
            session,
            actor,
            courtyard_id=courtyard.id,
            category=chosen,
            urgency=level,
            window=window,
            now=clock(),
        )
        await message.answer(_("✅ Saved. New tickets will use it."))
        led = [courtyard]
    for courtyard in led[:5]:
        settings = await deadlines.settings(session, actor, courtyard.id)
        await message.answer(view.deadline_settings(courtyard.name, settings))


def build() -> Router:
    router = Router(name="tickets-deadlines")
    router.message(Command("deadline"), PRIVATE)(deadline)
    return router
