"""Creating a vote step by step (a grid leader or admin): title, text, options (each with an
optional fee plan and a line of what it includes), who votes, the rule, the closing time, a
preview, then open. The draft lives in the chat's state until it is opened; opening writes
the vote, its snapshot of voters and the announcements in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.flags import READS_ONLY
from handlers.tickets.common import drop_buttons, message_of
from handlers.votes.screens import reply
from models import VoteRule
from services import courtyards, membership
from services.access import Actor, require
from services.clock import Clock
from services.errors import InvalidInput, Stale
from services.fees import money
from services.policy import Policy
from services.votes import drafting, notices
from services.votes.drafting import MIN_OPTIONS, OptionDraft, VoteDraft
from services.votes.errors import BadTitle
from views.menu import MenuButton
from views.votes import drafting as view
from views.votes.callbacks import Draft
from views.votes.menu import NEW_VOTE, ORGANIZERS

_KEY = "vote_draft"


class Drafting(StatesGroup):
    title = State()
    text = State()
    option = State()
    rate = State()
    fee = State()
    includes = State()
    scope = State()
    closing = State()
    preview = State()


async def _draft(state: FSMContext) -> dict[str, Any]:
    found = (await state.get_data()).get(_KEY)
    if not found:
        raise Stale()
    return dict(found)


async def _save(state: FSMContext, draft: dict[str, Any], step: State) -> None:
    await state.update_data({_KEY: draft})
    await state.set_state(step)


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    require(actor, ORGANIZERS)
    await state.clear()
    yards = await courtyards.courtyards_for(session, actor.courtyards_as(ORGANIZERS))
    if len(yards) == 1:
        await _save(state, {"c": yards[0].id, "options": []}, Drafting.title)
        await message.answer(view.ask_title())
        return
    await reply(message, view.which_courtyard([(c.id, c.name) for c in yards]))


async def _option_step(message: Message, state: FSMContext, draft: dict[str, Any]) -> None:
    """After an option: the next one, or the choice to add more or go on."""
    if len(draft["options"]) < MIN_OPTIONS:
        await _save(state, draft, Drafting.option)
        await message.answer(view.ask_option(len(draft["options"]) + 1))
    else:
        await _save(state, draft, Drafting.option)
        await reply(message, view.options_so_far(draft["options"]))


def _as_draft(draft: dict[str, Any]) -> VoteDraft:
    return VoteDraft(
        title=draft["title"],
        text=draft.get("text", ""),
        options=[
            OptionDraft(o["text"], o.get("rate"), o.get("fee"), o.get("includes", ""))
            for o in draft["options"]
        ],
        closes_at=datetime.fromisoformat(draft["closes"]),
        rule=VoteRule(draft.get("rule", "simple")),
        matter=draft.get("matter"),
        buildings=draft.get("buildings", []),
    )


async def on_step(
    query: CallbackQuery,
    callback_data: Draft,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    a, n, message = callback_data.a, callback_data.n, message_of(query)
    if a == "yard":
        require(actor, ORGANIZERS, n)
        await _save(state, {"c": n, "options": []}, Drafting.title)
        await message.answer(view.ask_title())
        await query.answer()
        return
    draft = await _draft(state)
    require(actor, ORGANIZERS, int(draft["c"]))
    await drop_buttons(message)
    if a == "notext":
        await _save(state, draft, Drafting.option)
        await message.answer(view.ask_option(1))
    elif a == "plan_yes":
        await _save(state, draft, Drafting.rate)
        await message.answer(view.ask_rate())
    elif a in ("plan_no", "noinc"):
        await _option_step(message, state, draft)
    elif a == "more":
        await _save(state, draft, Drafting.option)
        await message.answer(view.ask_option(len(draft["options"]) + 1))
    elif a in ("done", "bld", "whole", "scope_done"):
        buildings = await membership.buildings(session, int(draft["c"]))
        chosen: list[str] = list(draft.get("buildings", []))
        if a == "bld":
            if not 0 <= n < len(buildings):
                raise Stale()
            name = buildings[n]
            chosen = [b for b in chosen if b != name] if name in chosen else [*chosen, name]
            draft["buildings"] = chosen
        if a in ("whole", "scope_done"):
            if a == "whole":
                draft["buildings"] = []
            await _save(state, draft, Drafting.scope)
            await reply(message, view.ask_rule())
        else:
            await _save(state, draft, Drafting.scope)
            await reply(message, view.ask_scope(buildings, chosen))
    elif a in ("simple", "m"):
        draft["rule"] = VoteRule.SIMPLE.value if a == "simple" else VoteRule.ART278.value
        draft["matter"] = n if a == "m" else None
        await _save(state, draft, Drafting.closing)
        await reply(message, view.ask_closing())
    elif a == "days":
        if n not in view.CLOSING_DAYS:
            raise Stale()
        draft["closes"] = (clock() + timedelta(days=n)).isoformat()
        await _preview(message, state, draft, policy)
    elif a == "open":
        await _open(message, session, actor, state, clock, policy, draft)
    elif a == "drop":
        await state.clear()
        await message.answer(view.dropped())
    else:
        raise Stale()
    await query.answer()


async def _preview(
    message: Message, state: FSMContext, draft: dict[str, Any], policy: Policy
) -> None:
    await _save(state, draft, Drafting.preview)
    await reply(message, view.preview(_as_draft(draft), policy.timezone))


async def _open(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
    draft: dict[str, Any],
) -> None:
    now = clock()
    vote_id = await drafting.create(session, actor, int(draft["c"]), _as_draft(draft), now=now)
    vote = await notices.open_and_announce(session, actor, vote_id, now, policy)
    await state.clear()
    await message.answer(view.opened(vote.id, vote.total_heads, vote.total_area_centi_m2))


async def on_title(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    title = (message.text or "").strip()
    if not title or len(title) > 200:
        raise BadTitle()
    draft["title"] = title
    await _save(state, draft, Drafting.text)
    await reply(message, view.ask_text())


async def on_text(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    draft["text"] = (message.text or "").strip()[:2000]
    await _save(state, draft, Drafting.option)
    await message.answer(view.ask_option(1))


async def on_option(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    text = (message.text or "").strip()
    if not text or len(text) > 200:
        raise InvalidInput()
    draft["options"] = [*draft["options"], {"text": text}]
    await _save(state, draft, Drafting.option)
    await reply(message, view.ask_plan(len(draft["options"])))


async def on_rate(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    money.rate_per_m2(message.text or "")  # a clear refusal now, not at the end
    draft["options"][-1]["rate"] = (message.text or "").strip()
    await _save(state, draft, Drafting.fee)
    await message.answer(view.ask_fee())


async def on_fee(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    money.parking_fee_fen(message.text or "")
    draft["options"][-1]["fee"] = (message.text or "").strip()
    await _save(state, draft, Drafting.includes)
    await reply(message, view.ask_includes())


async def on_includes(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    draft["options"][-1]["includes"] = (message.text or "").strip()[:200]
    await _option_step(message, state, draft)


async def on_closing(message: Message, state: FSMContext, policy: Policy) -> None:
    draft = await _draft(state)
    try:
        closes = datetime.fromisoformat((message.text or "").strip())
    except ValueError:
        raise InvalidInput() from None
    if closes.tzinfo is None:
        closes = closes.replace(tzinfo=policy.timezone)
    draft["closes"] = closes.isoformat()
    await _preview(message, state, draft, policy)


def build() -> Router:
    router = Router(name="votes-creating")
    router.message(Command("newvote"), PRIVATE, flags=READS_ONLY)(begin)
    router.message(MenuButton(NEW_VOTE), PRIVATE, flags=READS_ONLY)(begin)
    router.callback_query(Draft.filter(F.a == "open"))(on_step)
    router.callback_query(Draft.filter(F.a != "open"), flags=READS_ONLY)(on_step)
    return router


def build_inputs() -> Router:
    router = Router(name="votes-creating-inputs")
    typed = (PRIVATE, Where(F.text), Where(~F.text.startswith("/")))
    router.message(Drafting.title, *typed, flags=READS_ONLY)(on_title)
    router.message(Drafting.text, *typed, flags=READS_ONLY)(on_text)
    router.message(Drafting.option, *typed, flags=READS_ONLY)(on_option)
    router.message(Drafting.rate, *typed, flags=READS_ONLY)(on_rate)
    router.message(Drafting.fee, *typed, flags=READS_ONLY)(on_fee)
    router.message(Drafting.includes, *typed, flags=READS_ONLY)(on_includes)
    router.message(Drafting.closing, *typed, flags=READS_ONLY)(on_closing)
    return router
