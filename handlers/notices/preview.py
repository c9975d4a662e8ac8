"""The composer's answers as a draft, and the preview: the checked draft saved, shown as
residents will see it (with the sign-up's times when it carries one), and the question."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.notices.common import show
from handlers.notices.steps import Composing
from models import AttachmentKind
from services.access import Actor
from services.errors import Stale
from services.notices import compose, lifecycle
from services.notices.compose import Attachment, Draft
from services.notices.messages import NoticeEvent
from services.notices.signup import EventPlan
from services.policy import Policy
from views.notices import card
from views.notices import compose as view


def draft_of(data: dict[str, Any]) -> Draft:
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


def plan_of(data: dict[str, Any]) -> EventPlan | None:
    """The sign-up the composer typed, if any (day, place and the slot lines)."""
    event = data.get("event")
    if not event:
        return None
    try:
        return EventPlan(date.fromisoformat(event["day"]), str(event["place"]), str(event["slots"]))
    except (KeyError, ValueError, TypeError):
        raise Stale() from None


async def preview(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    now: datetime,
    policy: Policy,
) -> None:
    """The checked draft saved, shown exactly as residents will see it, and the question."""
    data = await state.get_data()
    notices = await compose.save_draft(session, actor, draft_of(data), now)
    first = notices[0]
    info = await lifecycle.info(session, first)
    plan = plan_of(data)
    shown_event = None
    if plan is not None:
        slots = plan.planned(policy.timezone)
        info = info.model_copy(
            update={
                "event": NoticeEvent(
                    gathering_id=0,
                    place=plan.place,
                    starts_at=slots[0].starts_at,
                    ends_at=slots[-1].ends_at,
                    places=sum(s.capacity for s in slots),
                    slots=len(slots),
                )
            }
        )
        shown_event = view.event_preview(plan.place, slots, policy.timezone)
    await state.set_state(Composing.preview)
    await state.update_data(notice=first.id)
    await show(message, card.rendered(info, policy.timezone, buttons=False))
    reach = await compose.reach(session, notices)
    text, keyboard = view.ask_send(
        first.id, reach.households, reach.people, reach.unreachable, first.needs_ack, shown_event
    )
    await message.answer(text, reply_markup=keyboard)
