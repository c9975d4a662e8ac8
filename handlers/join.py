"""Joining a courtyard: the invite link opens the household picker (purpose JOIN, carrying the
invite code as proof), then the person says how they belong to the room and asks the grid
leader."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InaccessibleMessage
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import picker
from models import Relation
from services import membership
from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from views import membership as view
from views import pickers
from views.pickers import PickRelation
from views.text import h


async def _invited(session: AsyncSession, actor: Actor, courtyard_id: int, key: str) -> None:
    await membership.check_invite(session, courtyard_id, key)


async def on_picked(picked: picker.Picked, household_id: int) -> None:
    home = await membership.household(picked.session, household_id)
    text = _("Room %(room)s. Are you the owner, a tenant, or family?") % {"room": h(home.label())}
    await picked.screen.show(*pickers.relations(JOIN.code, home.id, text, picked.key))


JOIN = picker.Purpose(
    code="j",
    allowed=_invited,
    on_picked=on_picked,
    question=__("Which building do you live in?"),
)


async def on_relation(
    query: CallbackQuery,
    callback_data: PickRelation,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    try:
        relation = Relation(callback_data.rel)
    except ValueError:
        raise Stale() from None
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        raise Stale()
    now = clock()
    result = await membership.request(
        session, actor, callback_data.h, relation, now, policy, invite=callback_data.k
    )
    # in the quiet hours the leaders get it in the morning: say so honestly
    arrives = policy.delivery_at(membership.REQUESTED, now)
    await query.message.edit_text(
        view.request_sent(result, arrives if arrives > now else None, now, policy.timezone)
    )
    await query.answer(_("Request sent"))


def build() -> Router:
    """This feature's router; a new one per dispatcher."""
    router = Router(name="join")
    router.include_router(picker.router(JOIN))
    router.callback_query(PickRelation.filter(F.p == JOIN.code))(on_relation)
    return router
