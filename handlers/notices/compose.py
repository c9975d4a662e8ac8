"""📢 发通知, step by step: courtyards (when several), the words (or a photo or PDF with a
caption), for whom, normal or urgent, now or later, whether to confirm (and by when), the
preview as residents will see it, then 发送 and a minute in which to withdraw it.

Until the preview nothing is written: the answers live in the conversation state. The
preview saves a checked draft; 发送 schedules it; 撤回 withdraws it before it goes out."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from handlers.notices import places
from handlers.notices.common import message_of, show
from handlers.notices.steps import Composing, ask, expect
from models import AttachmentKind
from services.access import Actor
from services.clock import Clock
from services.errors import N_, InvalidInput, Stale
from services.notices import compose, lifecycle
from services.notices.compose import Attachment, Draft
from services.policy import Policy
from views.menu import MenuButton
from views.notices import card
from views.notices import compose as view
from views.notices.callbacks import ComposeStep, NoticeAction, Step
from views.notices.menu import SEND


async def begin(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    choices = await compose.courtyards_for(session, actor)  # refuses a resident politely
    await state.clear()
    await state.set_data({"yards": [list(c) for c in choices], "chosen": []})
    if len(choices) == 1:
        await state.update_data(chosen=[choices[0][0]])
        await ask(message, state, Composing.content, view.ask_content([choices[0][1]]), edit=False)
        return
    await ask(message, state, Composing.courtyards, view.courtyards(choices, ()), edit=False)


async def correct(
    query: CallbackQuery,
    callback_data: Step,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    """✏️ 发更正: a new notice linked to a sent one, for the same courtyard."""
    original = await compose.correction_of(session, actor, callback_data.n)
    name = next(
        (n for i, n in await compose.courtyards_for(session, actor) if i == original.courtyard_id),
        "",
    )
    await state.clear()
    await state.set_data(
        {
            "yards": [[original.courtyard_id, name]],
            "chosen": [original.courtyard_id],
            "corrects": original.id,
        }
    )
    await ask(message_of(query), state, Composing.content, view.ask_content([name]), edit=False)
    await query.answer()


async def on_content(message: Message, state: FSMContext) -> None:
    await expect(state, Composing.content)
    attachment: list[str] | None = None
    if message.photo:
        attachment = [AttachmentKind.PHOTO.value, message.photo[-1].file_id]
        words = message.caption
    elif message.document:
        if message.document.mime_type != "application/pdf":
            raise InvalidInput(N_("Only PDF files can be sent with a notice. Please send a PDF."))
        attachment = [AttachmentKind.DOCUMENT.value, message.document.file_id]
        words = message.caption
    else:
        words = message.text
    text = compose.clean_text(words, caption=attachment is not None)
    await state.update_data(text=text, attachment=attachment)
    data = await state.get_data()
    if len(data.get("chosen", [])) > 1:  # several courtyards: each one whole
        await state.update_data(buildings=[], units=[])
        await ask(message, state, Composing.urgency, view.ask_urgency(), edit=False)
        return
    await ask(message, state, Composing.scope, view.ask_scope(), edit=False)


async def unsupported_content(message: Message) -> None:
    raise InvalidInput(N_("Please send words, or a photo or PDF file with words as its caption."))


async def on_time(message: Message, state: FSMContext, clock: Clock, policy: Policy) -> None:
    now = clock()
    send_at = compose.parse_time(message.text, now, policy)
    await state.update_data(send_at=send_at.isoformat())
    await ask(message, state, Composing.ack, view.ask_ack(), edit=False)


async def on_deadline(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    now = clock()
    deadline = compose.parse_time(message.text, now, policy)
    await state.update_data(deadline=deadline.isoformat())
    await _preview(message, session, actor, state, now, policy)


async def use_buttons(message: Message) -> None:
    raise InvalidInput(N_("Please use the buttons above, or tap ✖ Cancel."))


def _draft(data: dict[str, Any]) -> Draft:
    try:
        attachment = data.get("attachment")
        send_at = data.get("send_at")
        deadline = data.get("deadline")
        return Draft(
            courtyard_ids=tuple(int(c) for c in data["chosen"]),
            text=str(data["text"]),
            attachment=Attachment(AttachmentKind(attachment[0]), str(attachment[1]))
            if attachment
            else None,
            buildings=frozenset(str(b) for b in data.get("buildings", [])),
            units=compose.units_of(data.get("units", [])),
            urgent=bool(data.get("urgent")),
            send_at=datetime.fromisoformat(send_at) if send_at else None,
            needs_ack=bool(data.get("ack")),
            ack_deadline=datetime.fromisoformat(deadline) if deadline else None,
            corrects_notice_id=data.get("corrects"),
        )
    except (KeyError, ValueError, TypeError, IndexError):
        raise Stale() from None


async def _preview(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    now: datetime,
    policy: Policy,
) -> None:
    """The checked draft saved, shown exactly as residents will see it, and the question."""
    notices = await compose.save_draft(session, actor, _draft(await state.get_data()), now)
    first = notices[0]
    info = await lifecycle.info(session, first)
    await state.set_state(Composing.preview)
    await state.update_data(notice=first.id)
    await show(message, card.rendered(info, policy.timezone, buttons=False))
    reach = await compose.reach(session, notices)
    text, keyboard = view.ask_send(
        first.id, reach.households, reach.people, reach.unreachable, first.needs_ack
    )
    await message.answer(text, reply_markup=keyboard)


async def on_step(
    query: CallbackQuery,
    callback_data: ComposeStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    policy: Policy,
) -> None:
    message = message_of(query)
    answer, index = callback_data.a, callback_data.i
    if answer == "cancel":
        await expect(state, *Composing.__states__)
        await state.clear()
        await message.edit_text(view.discarded())
    elif answer in ("yard", "allyards", "yards"):
        await places.on_courtyards(message, state, answer, index)
    elif answer in ("all", "buildings", "units"):
        await places.on_scope(message, session, state, answer)
    elif answer in ("b", "u", "placed"):
        await places.on_places(message, session, state, answer, index)
    elif answer in ("normal", "urgent"):
        await expect(state, Composing.urgency)
        await state.update_data(urgent=answer == "urgent")
        await ask(message, state, Composing.when, view.ask_when(), edit=True)
    elif answer == "now":
        await expect(state, Composing.when)
        await state.update_data(send_at=None)
        await ask(message, state, Composing.ack, view.ask_ack(), edit=True)
    elif answer == "later":
        await expect(state, Composing.when)
        await ask(message, state, Composing.time, view.ask_time(), edit=True)
    elif answer == "ack":
        await expect(state, Composing.ack)
        await state.update_data(ack=True)
        await ask(message, state, Composing.deadline, view.ask_deadline(), edit=True)
    elif answer == "noack":
        await expect(state, Composing.ack)
        await state.update_data(ack=False, deadline=None)
        await message.edit_reply_markup(reply_markup=None)
        await _preview(message, session, actor, state, clock(), policy)
    elif answer == "days" and index in view.DEADLINE_DAYS:
        data = await expect(state, Composing.deadline)
        now = clock()
        start = datetime.fromisoformat(data["send_at"]) if data.get("send_at") else now
        deadline = max(start, now + compose.GRACE) + timedelta(days=index)
        await state.update_data(deadline=deadline.isoformat())
        await message.edit_reply_markup(reply_markup=None)
        await _preview(message, session, actor, state, now, policy)
    else:
        raise Stale()
    await query.answer()


def build() -> Router:
    router = Router(name="notices-compose")
    router.message(Command("notice"), PRIVATE)(begin)
    router.message(MenuButton(SEND), PRIVATE)(begin)
    router.callback_query(ComposeStep.filter())(on_step)
    router.callback_query(Step.filter(F.a == NoticeAction.CORRECT))(correct)
    return router


def build_inputs() -> Router:
    """What the composer types or sends within a step; after the menu's router."""
    router = Router(name="notices-compose-inputs")
    router.message.filter(PRIVATE, Where(~F.text.startswith("/")))
    content = StateFilter(Composing.content)
    router.message(content, Where(F.text | F.photo | F.document))(on_content)
    router.message(content)(unsupported_content)
    router.message(StateFilter(Composing.time), Where(F.text))(on_time)
    router.message(StateFilter(Composing.deadline), Where(F.text))(on_deadline)
    router.message(StateFilter(Composing))(use_buttons)
    return router
