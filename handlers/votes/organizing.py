"""Organizers: the courtyard's votes (/votes, 🗳 Votes), the live view, the private list of
households that have not voted, paper and proxy ballots entered through the household picker
(purpose PAPER_BALLOT, with the signed ballot's photo), and closing early with a reason."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import picker
from handlers.attachments import answer_file
from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from handlers.tickets.common import message_of
from handlers.votes.screens import edit, reply
from models import BallotChannel, VoteStatus
from services import membership
from services.access import Actor, Role, require
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from services.votes import adoption, casting, closing, protocol, queries, tally
from services.votes.tally import ORGANIZERS
from views.documents.errors import DocumentsUnavailable, explain
from views.menu import AnyMenuButton, MenuButton
from views.outbox import Attachment, Rendered
from views.votes import documents
from views.votes import live as view
from views.votes import organizing as screens
from views.votes.callbacks import Organize, Paper
from views.votes.menu import ORGANIZE

ENTERERS = (Role.GRID_LEADER, Role.ADMIN)


class PaperSteps(StatesGroup):
    proxy = State()
    photo = State()


class Closing(StatesGroup):
    reason = State()


async def list_votes(message: Message, session: AsyncSession, actor: Actor) -> None:
    require(actor, ORGANIZERS)
    rows = await queries.listing(session, among=actor.courtyards_as(ORGANIZERS))
    await reply(message, view.list_for_organizer([(r.id, r.title, r.status.value) for r in rows]))


async def show_live(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    vote_id: int,
    policy: Policy,
    *,
    edit: bool,
) -> None:
    result = await tally.live(session, actor, vote_id)
    text, keyboard = view.view(
        result,
        policy.timezone,
        can_enter=actor.has_any(ENTERERS, result.courtyard_id),
        can_close=actor.has(Role.ADMIN, result.courtyard_id),
    )
    if edit:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)


async def on_organize(
    query: CallbackQuery,
    callback_data: Organize,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    policy: Policy,
) -> None:
    cb, message = callback_data, message_of(query)
    if cb.a == "live":
        await show_live(message, session, actor, cb.v, policy, edit=True)
    elif cb.a == "waiting":
        homes = await tally.non_voters(session, actor, cb.v)
        vote = await queries.vote(session, cb.v)
        await message.answer(view.waiting(vote.title, homes))
    elif cb.a == "paper":
        vote = await queries.vote(session, cb.v)
        await picker.start(
            message, state, session, actor, PAPER_BALLOT, vote.courtyard_id, key=str(vote.id)
        )
    elif cb.a in ("xlsx", "pdf"):
        await _send_protocol(message, session, actor, cb.v, cb.a, policy)
    elif cb.a == "close":
        vote = await queries.vote(session, cb.v)
        require(actor, (Role.ADMIN,), vote.courtyard_id)
        await state.set_state(Closing.reason)
        await state.update_data(vote_close=vote.id)
        await message.answer(screens.ask_close_reason(vote.title))
    else:
        raise Stale()
    await query.answer()


async def _send_protocol(
    message: Message, session: AsyncSession, actor: Actor, vote_id: int, form: str, policy: Policy
) -> None:
    found = await protocol.build(session, actor, vote_id)
    try:
        if form == "xlsx":
            data = await asyncio.to_thread(documents.workbook, found, policy.timezone)
        else:  # a PDF is laid out for seconds: never in the event loop
            data = await asyncio.to_thread(documents.document, found, policy.timezone)
    except DocumentsUnavailable as missing:
        await message.answer(explain(missing, _))
        return
    name = f"vote-{vote_id}-protocol.{form}"
    await answer_file(message, Rendered(found.result.title, attachment=Attachment(data, name)))


async def _may_enter(session: AsyncSession, actor: Actor, courtyard_id: int, key: str) -> None:
    require(actor, ENTERERS, courtyard_id)
    if not key.isdigit():
        raise Stale()
    vote = await queries.vote(session, int(key))
    if vote.courtyard_id != courtyard_id or vote.status is not VoteStatus.OPEN:
        raise Stale()


async def on_picked(picked: picker.Picked, household_id: int) -> None:
    home = await membership.household(picked.session, household_id)
    await picked.screen.show(*screens.paper_channel(int(picked.key), home.id, home.label()))


PAPER_BALLOT = picker.Purpose(
    code="vp",
    allowed=_may_enter,
    on_picked=on_picked,
    question=__("📝 Entering a paper ballot. Which building?"),
)


async def on_paper(
    query: CallbackQuery,
    callback_data: Paper,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
) -> None:
    cb, message = callback_data, message_of(query)
    vote = await queries.vote(session, cb.v)
    require(actor, ENTERERS, vote.courtyard_id)
    if cb.ch not in {c.value for c in BallotChannel} - {"online"}:
        raise Stale()
    home = await membership.household(session, cb.h)
    if cb.o == 0:
        options = await queries.options(session, vote.id)
        await edit(message, screens.paper_option(vote.id, home.id, home.label(), cb.ch, options))
    else:
        await state.update_data(paper={"v": vote.id, "h": home.id, "ch": cb.ch, "o": cb.o})
        if cb.ch == BallotChannel.PROXY.value:
            await state.set_state(PaperSteps.proxy)
            await message.edit_text(screens.ask_proxy(home.label()))
        else:
            await state.set_state(PaperSteps.photo)
            await edit(message, screens.ask_photo(vote.rule.value == "art278"))
    await query.answer()


async def on_proxy_name(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    paper = dict(data.get("paper") or {})
    if not paper:
        raise Stale()
    paper["proxy"] = (message.text or "").strip()[:100]
    await state.update_data(paper=paper)
    await state.set_state(PaperSteps.photo)
    await reply(message, screens.ask_photo(True))


async def _enter(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    photo: str | None,
) -> None:
    paper = (await state.get_data()).get("paper") or {}
    if not paper:
        raise Stale()
    result = await casting.enter(
        session,
        actor,
        int(paper["v"]),
        int(paper["h"]),
        int(paper["o"]),
        clock(),
        channel=BallotChannel(paper["ch"]),
        photo_file_id=photo,
        proxy_name=paper.get("proxy"),
    )
    home = await membership.household(session, int(paper["h"]))
    await state.set_state(None)
    await state.update_data(paper=None)
    await message.answer(
        screens.entered(home.label(), result.counted, result.receipt, result.option_position)
    )


async def on_photo(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, clock: Clock
) -> None:
    assert message.photo
    await _enter(message, session, actor, state, clock, message.photo[-1].file_id)


async def on_not_a_photo(message: Message, session: AsyncSession, state: FSMContext) -> None:
    """Text (or a file) where the signed ballot's photo is wanted: ask for the photo again."""
    paper = (await state.get_data()).get("paper") or {}
    if not paper:
        raise Stale()
    vote = await queries.vote(session, int(paper["v"]))
    await reply(message, screens.ask_photo(vote.rule.value == "art278"))


async def on_no_photo(
    query: CallbackQuery, session: AsyncSession, actor: Actor, state: FSMContext, clock: Clock
) -> None:
    await _enter(message_of(query), session, actor, state, clock, None)
    await query.answer()


async def on_close_reason(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    vote_id = (await state.get_data()).get("vote_close")
    if not vote_id:
        raise Stale()
    result = await closing.close_early(
        session, actor, int(vote_id), message.text or "", clock(), policy
    )
    await state.set_state(None)
    await message.answer(screens.closed(result.title, result.verdict.outcome.value))


async def on_adopt(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    """Finance: `/adopt 3 2027-01` makes vote 3's passed fee plan the plan from January."""
    parts = (command.args or "").split()
    if len(parts) != 2 or not parts[0].isdigit():
        await message.answer(screens.adopt_usage())
        return
    plan = await adoption.adopt(session, actor, int(parts[0]), from_period=parts[1], now=clock())
    await message.answer(
        screens.adopted(plan.name, plan.from_period, plan.rate_per_m2, plan.parking_fee_fen)
    )


def build() -> Router:
    router = Router(name="votes-organizing")
    router.include_router(picker.router(PAPER_BALLOT))
    router.message(Command("votes"), PRIVATE, flags=READS_ONLY)(list_votes)
    router.message(Command("adopt"), PRIVATE)(on_adopt)
    router.message(MenuButton(ORGANIZE), PRIVATE, flags=READS_ONLY)(list_votes)
    router.callback_query(
        Organize.filter(F.a.in_({"live", "waiting", "xlsx", "pdf"})), flags=READS_ONLY
    )(on_organize)
    router.callback_query(Organize.filter(F.a.in_({"paper", "close"})), flags=READS_ONLY)(
        on_organize
    )
    router.callback_query(Paper.filter(), flags=READS_ONLY)(on_paper)
    router.callback_query(F.data == screens.NO_PHOTO, PaperSteps.photo)(on_no_photo)
    return router


def not_a_command(message: Message) -> bool:
    return not (message.text or "").startswith("/")


def build_inputs() -> Router:
    router = Router(name="votes-organizing-inputs")
    router.message(PaperSteps.proxy, PRIVATE, Where(F.text))(on_proxy_name)
    router.message(PaperSteps.photo, PRIVATE, Where(F.photo))(on_photo)
    router.message(PaperSteps.photo, PRIVATE, ~AnyMenuButton(), not_a_command, flags=READS_ONLY)(
        on_not_a_photo
    )
    router.message(Closing.reason, PRIVATE, Where(F.text))(on_close_reason)
    return router
