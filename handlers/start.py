"""/start: welcome, and the invite deep link that begins joining a courtyard. Someone whose
join request still waits is told so, by /start and by the residents' menu buttons."""

from __future__ import annotations

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import CommandObject, CommandStart, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import picker
from handlers.filters import PRIVATE
from handlers.flags import READS_ONLY
from handlers.join import JOIN
from services import courtyards, membership
from services.access import Actor, Role
from services.policy import Policy
from views import membership as membership_view
from views.menu import current, label_texts, main_menu
from views.text import h, msgid_of


async def start_with_code(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    policy: Policy,
) -> None:
    await state.clear()  # /start begins afresh, whatever was half done
    code = (command.args or "").strip()
    if code in ("menu", "help"):
        await welcome(message, session, actor, policy)
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
    await picker.start(message, state, session, actor, JOIN, courtyard.id, key=code)


async def start(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, policy: Policy
) -> None:
    await state.clear()  # /start begins afresh, whatever was half done
    await welcome(message, session, actor, policy)


async def welcome(message: Message, session: AsyncSession, actor: Actor, policy: Policy) -> None:
    waits = [] if actor.households else await membership.waiting(session, actor)
    if waits:
        text = membership_view.waiting(waits, policy.timezone)
    elif actor.households or actor.grants:
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


class _ResidentButton(Filter):
    """A residents' menu button (🛠, 📋, 🏠 ...) from someone who belongs to no household yet."""

    async def __call__(self, message: Message, actor: Actor) -> bool:
        if actor.households or not message.text:
            return False
        return any(
            Role.RESIDENT in item.roles and message.text in label_texts(msgid_of(item.label))
            for item in current().items
        )


async def still_waiting(
    message: Message, session: AsyncSession, actor: Actor, policy: Policy
) -> None:
    """Not "you can only report for your own household": her request is on its way."""
    waits = await membership.waiting(session, actor)
    if not waits:
        raise SkipHandler()  # nothing waits: the button's own handler answers
    await message.answer(
        membership_view.waiting(waits, policy.timezone), reply_markup=main_menu(actor)
    )


def build() -> Router:
    """This feature's router; a new one per dispatcher."""
    router = Router(name="start")
    router.message.filter(PRIVATE)
    router.message(CommandStart(deep_link=True))(start_with_code)
    router.message(CommandStart())(start)
    return router


def build_waiting() -> Router:
    """A waiting applicant's tap on a residents' button (🛠, 📋 ...), answered before any
    feature sees it (bot.features puts it among the basics, first)."""
    router = Router(name="waiting-applicant")
    router.message.filter(PRIVATE)
    router.message(_ResidentButton(), flags=READS_ONLY)(still_waiting)
    return router
