"""Grid leaders answer join requests: Approve / Reject buttons and the /pending list."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from services import membership
from services.access import Actor
from services.clock import Clock
from services.policy import Policy
from views.callbacks import Decide
from views.membership import pending_list
from views.menu import MenuButton
from views.people import PENDING
from views.text import h


async def list_pending(
    message: Message, session: AsyncSession, actor: Actor, policy: Policy
) -> None:
    requests = await membership.pending(session, actor)
    if not requests:
        await message.answer(_("No join requests are waiting. 👍"))
        return
    await message.answer(_("%(count)s join request(s) waiting:") % {"count": len(requests)})
    for text, keyboard in pending_list(requests, policy.timezone):
        await message.answer(text, reply_markup=keyboard)


async def on_decide(
    query: CallbackQuery, callback_data: Decide, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    decision = await membership.decide(session, actor, callback_data.m, callback_data.ok, clock())
    values = {
        "name": h(decision.person),
        "courtyard": h(decision.courtyard_name),
        "household": h(decision.household_label),
    }
    if decision.approved:
        text = _("✅ Approved: %(name)s, %(courtyard)s %(household)s.") % values
    else:
        text = _("❌ Rejected: %(name)s, %(courtyard)s %(household)s.") % values
    if isinstance(query.message, Message):
        await query.message.edit_text(text)
    await query.answer(_("Done"))


def build() -> Router:
    """This feature's router; a new one per dispatcher."""
    router = Router(name="approvals")
    router.message(Command("pending"), PRIVATE)(list_pending)
    router.message(MenuButton(PENDING), PRIVATE)(list_pending)
    router.callback_query(Decide.filter())(on_decide)
    return router
