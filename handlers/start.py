"""/start: welcome, and the invite deep link that begins joining a courtyard."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from services import courtyards, membership
from services.access import Actor
from views import pickers
from views.menu import main_menu
from views.text import h


async def start_with_code(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await state.clear()  # /start begins afresh, whatever was half done
    code = (command.args or "").strip()
    if code in ("menu", "help"):
        await welcome(message, actor)
        return
    courtyard = await courtyards.by_invite(session, code)
    names = await membership.buildings(session, courtyard.id)
    if not names:
        await message.answer(
            _("%(courtyard)s has no rooms registered yet. Please ask your grid leader.")
            % {"courtyard": h(courtyard.name)}
        )
        return
    await message.answer(
        _("Welcome to %(courtyard)s! Let's find your home.") % {"courtyard": h(courtyard.name)},
        reply_markup=main_menu(actor),
    )
    text, keyboard = pickers.buildings("j", courtyard.id, names)
    await message.answer(text, reply_markup=keyboard)


async def start(message: Message, actor: Actor, state: FSMContext) -> None:
    await state.clear()  # /start begins afresh, whatever was half done
    await welcome(message, actor)


async def welcome(message: Message, actor: Actor) -> None:
    if actor.households or actor.grants:
        text = _("Hello, %(name)s! Choose what you need from the menu below.") % {
            "name": h(actor.name)
        }
    else:
        text = _(
            "Hello! I am the courtyard assistant (楼院管家).\n"
            "To join your courtyard, open the invite link your grid leader shared "
            "(or scan its QR code)."
        )
    await message.answer(text, reply_markup=main_menu(actor))


def build() -> Router:
    """This feature's router; a new one per dispatcher."""
    router = Router(name="start")
    router.message.filter(PRIVATE)
    router.message(CommandStart(deep_link=True))(start_with_code)
    router.message(CommandStart())(start)
    return router
