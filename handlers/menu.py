"""The main menu, /help by role, /lang, and "My home"."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommandScopeChat,
    CallbackQuery,
    Message,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from handlers.flags import READS_ONLY
from services import homes, people
from services.access import Actor
from views import help as help_view
from views import home as home_view
from views import menu
from views.callbacks import Language
from views.commands import bot_commands
from views.menu import BACK_TO_MAIN, MORE, MenuButton, main_menu, more_menu
from views.people import HELP, LANGUAGE, MY_HOME, language_choice

# A handler with a single reply returns it unsent: aiogram sends it after the update's
# transaction has committed, so SQLite's write lock is not held across the network.


async def show_help(message: Message, actor: Actor) -> SendMessage:
    return message.answer(help_view.text(actor), reply_markup=main_menu(actor))


async def show_menu(message: Message, actor: Actor) -> SendMessage:
    return message.answer(_("Menu"), reply_markup=main_menu(actor))


async def show_more(message: Message, actor: Actor) -> SendMessage:
    return message.answer(
        _("More: tap what you need, or ↩ to go back."), reply_markup=more_menu(actor)
    )


async def my_home(message: Message, session: AsyncSession, actor: Actor) -> SendMessage:
    mine = await homes.of(session, actor)
    return message.answer(home_view.text(mine), reply_markup=main_menu(actor))


async def choose_language(message: Message) -> SendMessage:
    return message.answer(_("Choose a language / 请选择语言"), reply_markup=language_choice())


async def on_language(
    query: CallbackQuery,
    callback_data: Language,
    session: AsyncSession,
    actor: Actor,
    i18n: I18n,
    bot: Bot,
) -> None:
    await people.set_locale(session, actor, callback_data.code)
    with i18n.use_locale(callback_data.code):
        if isinstance(query.message, Message):
            await query.message.edit_text(_("Language set: English"))
            await query.message.answer(_("Menu"), reply_markup=main_menu(actor))
        await query.answer()
    # the ☰ list follows the person's language (a list of their own, in their chat)
    await bot.set_my_commands(
        bot_commands(menu.current(), i18n, callback_data.code, actor.roles()),
        scope=BotCommandScopeChat(chat_id=query.from_user.id),
    )


def build(*, outside_steps: bool = False) -> Router:
    """This feature's router; a new one per dispatcher. `outside_steps`: only for someone in
    no step of a flow (no conversation state)."""
    router = Router(name="menu-fast-lane" if outside_steps else "menu")
    router.message.filter(PRIVATE)
    if outside_steps:
        router.message.filter(StateFilter(None))
        router.callback_query.filter(StateFilter(None))
    router.message(Command("help"), flags=READS_ONLY)(show_help)
    router.message(MenuButton(HELP), flags=READS_ONLY)(show_help)
    router.message(Command("menu"), flags=READS_ONLY)(show_menu)
    router.message(MenuButton(MORE), flags=READS_ONLY)(show_more)
    router.message(MenuButton(BACK_TO_MAIN), flags=READS_ONLY)(show_menu)
    router.message(MenuButton(MY_HOME), flags=READS_ONLY)(my_home)
    router.message(Command("lang"), flags=READS_ONLY)(choose_language)
    router.message(MenuButton(LANGUAGE), flags=READS_ONLY)(choose_language)
    router.callback_query(Language.filter())(on_language)
    return router
