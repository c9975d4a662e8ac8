"""A resident's ballot in the private chat: the home (if several), each option with its price
for this household, a confirmation, the receipt. The group card's 🗳 answers with a deep link
into this chat, so nobody's choice is ever seen in the group."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE
from handlers.flags import READS_ONLY
from handlers.tickets.common import drop_buttons, message_of
from handlers.votes.screens import reply
from services.access import Actor
from services.clock import Clock
from services.errors import Stale
from services.policy import Policy
from services.votes import casting, queries
from services.votes.errors import NotEligible, UnknownOption
from views.menu import MenuButton
from views.votes import ballot as view
from views.votes.callbacks import Choose, Confirm, GroupTap, OpenBallot
from views.votes.menu import VOTE

DEEP_LINK = r"^vote-(\d{1,9})$"


async def _home(
    session: AsyncSession, actor: Actor, vote_id: int, household_id: int
) -> queries.Home | None:
    homes = await queries.homes_of(session, vote_id, list(actor.households))
    if household_id:
        found = [x for x in homes if x.household_id == household_id]
        if not found:
            raise NotEligible()
        return found[0]
    if not homes:
        raise NotEligible()
    return homes[0] if len(homes) == 1 else None


async def show(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    vote_id: int,
    household_id: int,
    policy: Policy,
    clock: Clock,
    *,
    edit: bool,
) -> None:
    vote = await queries.vote(session, vote_id)
    home = await _home(session, actor, vote_id, household_id)
    if home is None:
        homes = await queries.homes_of(session, vote_id, list(actor.households))
        text, keyboard = view.which_home(vote, homes)
    else:
        await casting.may_cast(session, actor, vote_id, home.household_id, clock())
        if home.receipt and not vote.allow_change:
            text, keyboard = view.already(home), None
        else:
            options = await queries.options(session, vote_id)
            prices = await queries.price_lines(session, vote_id, home)
            text, keyboard = view.ballot(vote, home, options, prices, policy.timezone)
    if edit:
        await message.edit_text(text, reply_markup=keyboard)
    else:
        await message.answer(text, reply_markup=keyboard)


async def on_deep_link(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    policy: Policy,
    clock: Clock,
) -> None:
    await state.clear()
    vote_id = int((command.args or "").removeprefix("vote-"))
    await show(message, session, actor, vote_id, 0, policy, clock, edit=False)


async def on_open(
    query: CallbackQuery,
    callback_data: OpenBallot,
    session: AsyncSession,
    actor: Actor,
    policy: Policy,
    clock: Clock,
) -> None:
    await show(
        message_of(query),
        session,
        actor,
        callback_data.v,
        callback_data.h,
        policy,
        clock,
        edit=True,
    )
    await query.answer()


async def on_menu(
    message: Message, session: AsyncSession, actor: Actor, policy: Policy, clock: Clock
) -> None:
    votes = await queries.open_for(session, list(actor.households), clock())
    if not votes:
        await message.answer(view.nothing_open())
    elif len(votes) == 1:
        await show(message, session, actor, votes[0].id, 0, policy, clock, edit=False)
    else:
        await reply(message, view.open_votes(votes, policy.timezone))


async def _chosen(
    session: AsyncSession,
    actor: Actor,
    vote_id: int,
    household_id: int,
    position: int,
    clock: Clock,
) -> tuple[queries.OptionView, queries.Home]:
    await casting.may_cast(session, actor, vote_id, household_id, clock())
    home = await _home(session, actor, vote_id, household_id)
    option = next(
        (o for o in await queries.options(session, vote_id) if o.position == position), None
    )
    if option is None or home is None:
        raise UnknownOption()
    return option, home


async def on_choose(
    query: CallbackQuery, callback_data: Choose, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    cb = callback_data
    option, home = await _chosen(session, actor, cb.v, cb.h, cb.o, clock)
    vote = await queries.vote(session, cb.v)
    prices = {p.position: p for p in await queries.price_lines(session, cb.v, home)}
    text, keyboard = view.confirm(vote, home, option, prices.get(option.position))
    await message_of(query).edit_text(text, reply_markup=keyboard)
    await query.answer()


async def on_confirm(
    query: CallbackQuery, callback_data: Confirm, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    cb = callback_data
    result = await casting.cast(session, actor, cb.v, cb.h, cb.o, clock())
    message = message_of(query)
    await drop_buttons(message)
    await message.answer(
        view.receipt(result.receipt, result.counted, result.changed, result.option_position)
    )
    await query.answer()


async def on_group_tap(
    query: CallbackQuery, callback_data: GroupTap, bot: Bot, bot_username: str | None = None
) -> None:
    """In the group: open the private chat at this vote's ballot (a deep link)."""
    username = bot_username or (await bot.me()).username
    if not username:
        raise Stale()
    await query.answer(url=f"https://t.me/{username}?start=vote-{callback_data.v}")


def build() -> Router:
    router = Router(name="votes-ballots")
    router.message(
        CommandStart(deep_link=True, magic=F.args.regexp(DEEP_LINK)), PRIVATE, flags=READS_ONLY
    )(on_deep_link)
    router.message(MenuButton(VOTE), PRIVATE, flags=READS_ONLY)(on_menu)
    router.message(Command("vote_now"), PRIVATE, flags=READS_ONLY)(on_menu)
    router.callback_query(OpenBallot.filter(), flags=READS_ONLY)(on_open)
    router.callback_query(Choose.filter(), flags=READS_ONLY)(on_choose)
    router.callback_query(Confirm.filter())(on_confirm)
    router.callback_query(GroupTap.filter(), flags=READS_ONLY)(on_group_tap)
    return router
