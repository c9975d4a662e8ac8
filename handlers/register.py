"""A grid leader registers a neighbour who needs help: the neighbour's room (the household
picker, purpose REGISTER), how they belong to it, their name, optionally a phone, then a
summary to save or cancel. When that neighbour later joins on Telegram, they are recognised
(services.membership.registered_match)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InaccessibleMessage, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import picker
from handlers.filters import PRIVATE, Where
from models import Relation
from services import courtyards, membership, phones
from services.access import Actor, require
from services.clock import Clock
from services.errors import Stale
from views import membership as view
from views import pickers
from views.callbacks import PickCourtyard
from views.menu import AnyMenuButton, MenuButton, main_menu
from views.people import REGISTER
from views.pickers import PickRelation
from views.text import h


class Registering(StatesGroup):
    name = State()
    phone = State()
    confirm = State()


async def on_picked(picked: picker.Picked, household_id: int) -> None:
    home = await membership.household(picked.session, household_id)
    text = _("Room %(room)s. How is the neighbour related to it?") % {"room": h(home.label())}
    await picked.screen.show(*pickers.relations(REGISTER_NEIGHBOUR.code, home.id, text))


REGISTER_NEIGHBOUR = picker.Purpose(
    code="r",
    allowed=picker.requiring(membership.LEADER_ROLES),
    on_picked=on_picked,
    question=__("Which building does the neighbour live in?"),
)


def _message(query: CallbackQuery) -> Message:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        raise Stale()
    return query.message


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    require(actor, membership.LEADER_ROLES)
    await state.clear()  # a registration begun before and not finished is dropped
    led = await courtyards.courtyards_for(session, actor.courtyards_as(membership.LEADER_ROLES))
    if len(led) == 1:
        await picker.start(message, state, session, actor, REGISTER_NEIGHBOUR, led[0].id)
        return
    text, keyboard = view.courtyard_choice([(c.id, c.name) for c in led])
    await message.answer(text, reply_markup=keyboard)


async def on_courtyard(
    query: CallbackQuery,
    callback_data: PickCourtyard,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await picker.start(
        _message(query), state, session, actor, REGISTER_NEIGHBOUR, callback_data.c, edit=True
    )
    await query.answer()


async def on_relation(
    query: CallbackQuery,
    callback_data: PickRelation,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    try:
        relation = Relation(callback_data.rel)
    except ValueError:
        raise Stale() from None
    home = await membership.household(session, callback_data.h)
    require(actor, membership.LEADER_ROLES, home.courtyard_id)
    await state.set_state(Registering.name)
    await state.set_data(
        {"household_id": home.id, "relation": relation.value, "label": home.label()}
    )
    await _message(query).edit_text(view.ask_neighbour_name(home.label(), relation))
    await query.answer()


async def leave(message: Message, state: FSMContext) -> None:
    """A command or a menu button while registering: the leader has moved on. Forget the
    half-done registration and let the command or button do what it does."""
    await state.clear()
    raise SkipHandler()


async def on_name(message: Message, state: FSMContext) -> None:
    name = membership.valid_name(message.text or "")
    await state.update_data(name=name)
    await state.set_state(Registering.phone)
    text, keyboard = view.ask_neighbour_phone(name)
    await message.answer(text, reply_markup=keyboard)


async def on_phone(message: Message, state: FSMContext) -> None:
    await _summary(message, state, phones.normalize(message.text or ""))


async def on_step(
    query: CallbackQuery,
    callback_data: view.RegisterStep,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    message = _message(query)
    now_at = await state.get_state()
    if callback_data.do == "skip" and now_at == Registering.phone.state:
        await _summary(message, state, None)
    elif callback_data.do == "save" and now_at == Registering.confirm.state:
        await _save(message, state, session, actor, clock)
    elif callback_data.do == "cancel" and now_at in {s.state for s in Registering.__states__}:
        await state.clear()
        await message.edit_text(_("Registration cancelled. Nothing was saved."))
    else:
        raise Stale()
    await query.answer()


async def _summary(message: Message, state: FSMContext, phone: str | None) -> None:
    await state.update_data(phone=phone)
    await state.set_state(Registering.confirm)
    data = await state.get_data()
    text, keyboard = view.registration_summary(
        str(data["name"]), str(data["label"]), Relation(data["relation"]), phone
    )
    await message.answer(text, reply_markup=keyboard)


async def _save(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
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
        phone=data.get("phone"),
        now=clock(),
    )
    await state.clear()
    await message.edit_reply_markup(reply_markup=None)  # the summary cannot be saved twice
    await message.answer(
        _("✅ %(name)s is now registered for room %(room)s. You can act for this household.")
        % {"name": h(data["name"]), "room": h(data["label"])},
        reply_markup=main_menu(actor),
    )


def build() -> Router:
    """This feature's router; a new one per dispatcher."""
    router = Router(name="register")
    router.include_router(picker.router(REGISTER_NEIGHBOUR))
    router.message.filter(PRIVATE)
    router.message(Command("register"))(begin)
    router.message(MenuButton(REGISTER))(begin)
    router.callback_query(PickCourtyard.filter(F.mode == "r"))(on_courtyard)
    router.callback_query(PickRelation.filter(F.p == REGISTER_NEIGHBOUR.code))(on_relation)
    answer = (
        Where(F.text),
        Where(~F.text.startswith("/")),
        ~AnyMenuButton(),
    )  # not a command or button
    router.message(StateFilter(Registering.name), *answer)(on_name)
    router.message(StateFilter(Registering.phone), *answer)(on_phone)
    # last of this router's message handlers, so that the command or button goes on elsewhere
    router.message(StateFilter(Registering), Where(F.text.startswith("/")))(leave)
    router.message(StateFilter(Registering), AnyMenuButton())(leave)
    router.callback_query(view.RegisterStep.filter())(on_step)
    return router
