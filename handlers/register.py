"""A grid leader registers a neighbour who needs help: room by buttons, then name, then
(optionally) their Telegram id."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from models import Relation
from services import courtyards, membership
from services.access import Actor, require
from services.clock import Clock
from services.errors import N_, InvalidInput, Stale
from views import pickers
from views.callbacks import PickCourtyard, SkipTelegramId
from views.menu import AnyMenuButton, MenuButton, main_menu
from views.people import REGISTER
from views.text import h, relation_name


class Registering(StatesGroup):
    name = State()
    telegram_id = State()


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    require(actor, membership.LEADER_ROLES)
    await state.clear()  # a registration begun before and not finished is dropped
    led = await courtyards.courtyards_for(session, actor.courtyards_as(membership.LEADER_ROLES))
    if len(led) == 1:
        text, keyboard = pickers.buildings(
            "r", led[0].id, await membership.buildings(session, led[0].id)
        )
        await message.answer(text, reply_markup=keyboard)
        return
    rows = [
        [InlineKeyboardButton(text=c.name, callback_data=PickCourtyard(mode="r", c=c.id).pack())]
        for c in led
    ]
    await message.answer(
        _("Which courtyard?"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )


async def on_courtyard(
    query: CallbackQuery, callback_data: PickCourtyard, session: AsyncSession, actor: Actor
) -> None:
    require(actor, membership.LEADER_ROLES, callback_data.c)
    text, keyboard = pickers.buildings(
        "r", callback_data.c, await membership.buildings(session, callback_data.c)
    )
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=keyboard)
    await query.answer()


async def ask_name(
    message: Message, state: FSMContext, household_id: int, label: str, relation: Relation
) -> None:
    await state.set_state(Registering.name)
    await state.update_data(household_id=household_id, relation=relation.value, label=label)
    await message.edit_text(
        _(
            "Registering a neighbour for room %(room)s (%(relation)s).\n"
            "Please send the neighbour's name."
        )
        % {"relation": relation_name(relation.value).lower(), "room": h(label)}
    )


async def leave(message: Message, state: FSMContext) -> None:
    """A command or a menu button while registering: the leader has moved on. Forget the
    half-done registration and let the command or button do what it does."""
    await state.clear()
    raise SkipHandler()


async def on_name(message: Message, state: FSMContext) -> None:
    name = (message.text or "").strip()
    if not name or len(name) > 100 or name.startswith("/"):
        raise InvalidInput(N_("Please give a name of 1 to 100 characters."))
    await state.update_data(name=name)
    await state.set_state(Registering.telegram_id)
    await message.answer(
        _("If %(name)s uses Telegram, send their numeric Telegram id. Otherwise tap Skip.")
        % {"name": h(name)},
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=_("Skip: they are not on Telegram"),
                        callback_data=SkipTelegramId().pack(),
                    )
                ]
            ]
        ),
    )


async def on_telegram_id(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    text = (message.text or "").strip()
    if not text.isdigit() or not 0 < int(text) < 2**52:
        raise InvalidInput(N_("A Telegram id is a number, like 123456789. Or tap Skip."))
    await finish(message, state, session, actor, clock, int(text))


async def on_skip(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    if not isinstance(query.message, Message):
        raise Stale()
    await finish(query.message, state, session, actor, clock, None)
    await query.answer()


async def on_skip_stale(query: CallbackQuery) -> None:
    raise Stale()


async def finish(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    telegram_id: int | None,
) -> None:
    data = await state.get_data()
    if "household_id" not in data or "name" not in data:
        await state.clear()
        raise Stale()
    await membership.register(
        session,
        actor,
        household_id=int(data["household_id"]),
        name=str(data["name"]),
        relation=Relation(data["relation"]),
        telegram_id=telegram_id,
        now=clock(),
    )
    await state.clear()
    await message.answer(
        _("✅ %(name)s is now registered for room %(room)s. You can act for this household.")
        % {"name": h(data["name"]), "room": h(data["label"])},
        reply_markup=main_menu(actor),
    )


def build() -> Router:
    """This feature's router; a new one per dispatcher."""
    router = Router(name="register")
    router.message.filter(PRIVATE)
    router.message(Command("register"))(begin)
    router.message(MenuButton(REGISTER))(begin)
    router.callback_query(PickCourtyard.filter(F.mode == "r"))(on_courtyard)
    answer = (
        Where(F.text),
        Where(~F.text.startswith("/")),
        ~AnyMenuButton(),
    )  # not a command or button
    router.message(StateFilter(Registering.name), *answer)(on_name)
    router.message(StateFilter(Registering.telegram_id), *answer)(on_telegram_id)
    # last of this router's message handlers, so that the command or button goes on elsewhere
    router.message(StateFilter(Registering), Where(F.text.startswith("/")))(leave)
    router.message(StateFilter(Registering), AnyMenuButton())(leave)
    router.callback_query(SkipTelegramId.filter(), StateFilter(Registering.telegram_id))(on_skip)
    router.callback_query(SkipTelegramId.filter())(on_skip_stale)
    return router
