"""A grid leader signs up a neighbour (often one without a phone): from the event, the shared
household picker (purpose SIGN_UP_NEIGHBOUR, the event's id as its key), then her name, then
a time, as a resident would choose it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import picker
from handlers.flags import READS_ONLY
from handlers.signups.common import message_of
from services import membership
from services.access import Actor, require
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from services.signups import queries
from services.signups.permissions import ORGANIZERS
from views.signups import cards, words
from views.signups.callbacks import ForPerson, Manage, OpenGathering
from views.text import h


async def _organizes(session: AsyncSession, actor: Actor, courtyard_id: int, key: str) -> None:
    require(actor, ORGANIZERS, courtyard_id)
    if not key.isdigit() or (await queries.gathering(session, int(key))).courtyard_id != (
        courtyard_id
    ):
        raise Stale()


async def on_picked(picked: picker.Picked, household_id: int) -> None:
    gathering_id = int(picked.key)
    home = await membership.household(picked.session, household_id)
    people = await queries.household_people(picked.session, household_id)
    back = [
        InlineKeyboardButton(text=_("↩️ Back"), callback_data=OpenGathering(g=gathering_id).pack())
    ]
    if not people:
        await picked.screen.show(
            _("Nobody is registered in %(room)s yet. Register the neighbour first (👤), then "
              "sign her or him up here.") % {"room": h(home.label())},
            InlineKeyboardMarkup(inline_keyboard=[back]),
        )  # fmt: skip
        return
    rows = [
        [
            InlineKeyboardButton(
                text=p.name if p.on_telegram else _("%(name)s (no phone)") % {"name": p.name},
                callback_data=ForPerson(g=gathering_id, h=household_id, p=p.user_id).pack(),
            )
        ]
        for p in people
    ]
    await picked.screen.show(
        _("%(room)s: whom are you signing up?") % {"room": h(home.label())},
        InlineKeyboardMarkup(inline_keyboard=[*rows, back]),
    )


SIGN_UP_NEIGHBOUR = picker.Purpose(
    code="s",
    allowed=_organizes,
    on_picked=on_picked,
    question=__("🙋 Signing up a neighbour. Which building?"),
)


async def begin(
    query: CallbackQuery,
    callback_data: Manage,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    row = await queries.gathering(session, callback_data.g)
    await picker.start(
        message_of(query),
        state,
        session,
        actor,
        SIGN_UP_NEIGHBOUR,
        row.courtyard_id,
        key=str(row.id),
        edit=True,
    )
    await query.answer()


async def on_person(
    query: CallbackQuery,
    callback_data: ForPerson,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    policy: Policy,
) -> None:
    cb = callback_data
    now = clock()
    info, _organizer = await queries.for_viewer(session, actor, cb.g)
    require(actor, ORGANIZERS, info.courtyard_id)
    home = await membership.household(session, cb.h)
    people = {p.user_id: p.name for p in await queries.household_people(session, cb.h)}
    if home.courtyard_id != info.courtyard_id or cb.p not in people:
        raise Stale()
    values = {"name": h(people[cb.p]), "room": h(home.label())}
    back = [InlineKeyboardButton(text=_("↩️ Back"), callback_data=OpenGathering(g=info.id).pack())]
    theirs = await queries.signups_of(session, cb.p, now, info.id)
    if theirs:
        values["slot"] = words.when(theirs[0].starts_at, theirs[0].ends_at, policy.timezone)
        await message_of(query).edit_text(
            _("%(name)s (%(room)s) is already signed up: %(slot)s") % values,
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[back]),
        )
        await query.answer()
        return
    rows = cards.slot_buttons(info, now, policy.timezone, person=cb.p, home=cb.h)
    await message_of(query).edit_text(
        f"<b>{h(info.title)}</b>\n" + _("Choose a time for %(name)s (%(room)s):") % values,
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[*rows, back]),
    )
    await query.answer()


def build() -> Router:
    router = Router(name="signups-on-behalf")
    router.include_router(picker.router(SIGN_UP_NEIGHBOUR))
    router.callback_query(Manage.filter(F.a == "for"), flags=READS_ONLY)(begin)
    router.callback_query(ForPerson.filter(), flags=READS_ONLY)(on_person)
    return router
