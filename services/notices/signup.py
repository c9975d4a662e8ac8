"""A notice can carry an event (活动报名): the day, the place and the times typed while
composing (read by services.signups.schedule), created as a gathering of the notice's scope
when the notice is sent, in the same transaction. Residents get ONE message: the notice with
its 📅 报名 button; the gathering's own announcement does not go out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import NoticeStatus
from services.access import Actor, require
from services.errors import Stale
from services.notices import compose, lifecycle, scopes
from services.notices.errors import EventOneCourtyardOnly
from services.policy import Policy
from services.signups import gatherings, schedule
from services.signups.permissions import ORGANIZERS


@dataclass(frozen=True)
class EventPlan:
    """What the composer typed: the day, the place and the slot lines."""

    day: date
    place: str
    slots: str

    def planned(self, zone: ZoneInfo) -> list[schedule.PlannedSlot]:
        return schedule.parse_slots(self.slots, self.day, zone)


def plan(day: date, place: str, slots: str, now: datetime, zone: ZoneInfo) -> EventPlan:
    """A checked plan: the place one line, the times understood and still ahead."""
    checked = EventPlan(day, gatherings.clean_line(place, gatherings.PLACE_LIMIT), slots)
    schedule.check_future(checked.planned(zone), now)
    return checked


def title_of(text: str) -> str:
    """The event's name: the notice's first line, cut to fit."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    limit = gatherings.TITLE_LIMIT
    return first if len(first) <= limit else first[: limit - 1] + "…"


def may_carry(actor: Actor, courtyard_ids: tuple[int, ...]) -> bool:
    """Whether to ask 「要不要带报名？」: one courtyard, and the author may organize there."""
    if len(courtyard_ids) != 1:
        return False
    allowed = actor.courtyards_as(ORGANIZERS)
    return allowed is None or courtyard_ids[0] in allowed


async def attach(
    session: AsyncSession,
    actor: Actor,
    notice_id: int,
    event: EventPlan,
    now: datetime,
    policy: Policy,
) -> int:
    """The drafted notice's gathering: its scope, its first line as title, its words as
    description. Not announced (the notice is the announcement)."""
    batch = list(await compose.batch_of(session, notice_id))
    if len(batch) != 1:
        raise EventOneCourtyardOnly()
    notice = batch[0]
    if notice.status is not NoticeStatus.DRAFT:
        raise Stale()
    require(actor, ORGANIZERS, notice.courtyard_id)
    return await gatherings.create(
        session,
        actor,
        scope=await scopes.scope_of(session, notice),
        title=title_of(notice.text),
        place=event.place,
        slots=event.planned(policy.timezone),
        now=now,
        description=notice.text,
        notice_id=notice.id,
    )


async def send(
    session: AsyncSession,
    actor: Actor,
    notice_id: int,
    now: datetime,
    policy: Policy,
    event: EventPlan | None = None,
) -> lifecycle.Scheduled:
    """发送, with the event first when there is one, so the notice's messages carry it."""
    if event is not None:
        await attach(session, actor, notice_id, event, now, policy)
    return await lifecycle.send(session, actor, notice_id, now, policy)
