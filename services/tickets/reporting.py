"""Filing a ticket: by a resident for their household, or by customer service or a grid
leader for a household that phoned or came by. Numbers are per courtyard: WSL-0001."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Courtyard,
    Household,
    Location,
    MediaKind,
    MediaStage,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketMedia,
    TicketStatus,
    Urgency,
)
from services import events, numbering
from services.access import Actor, require
from services.errors import N_, InvalidInput, NotFound
from services.policy import Policy
from services.tickets import alerts, deadlines, notices
from services.tickets.errors import (
    DescriptionTooLong,
    DescriptionTooShort,
    EmptyDescription,
    NotYourHousehold,
    TooManyPhotos,
)
from services.tickets.info import TicketInfo, describe
from services.tickets.messages import TicketFiledForYou
from services.tickets.permissions import FILERS

MAX_PHOTOS = 5
# letters or digits (a Chinese character counts as one): "灯不亮" is enough, "👍" or "ok" is not
DESCRIPTION_MIN = 3
DESCRIPTION_MAX = 500
PLACE_MAX = 60
VOICE_MAX_SECONDS = 300
CHANNELS_ON_BEHALF = ("phone", "visit")
FILED_FOR_YOU = TicketFiledForYou.kind


def team_starts_at(now: datetime, policy: Policy, *, urgent: bool) -> datetime:
    """When a new ticket's clock starts: its card goes out at once, but a normal ticket filed
    in the quiet hours is not expected to be taken before they end."""
    return now if urgent else policy.after_quiet_hours(now)


def household_told_at(now: datetime, policy: Policy, *, urgent: bool) -> datetime:
    """When the household hears of a ticket filed on its behalf now."""
    return policy.delivery_at(FILED_FOR_YOU, now, urgent=urgent)


def clean_description(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise EmptyDescription()
    if len(text) > DESCRIPTION_MAX:
        raise DescriptionTooLong(limit=DESCRIPTION_MAX, length=len(text))
    if len(_real_characters(text)) < DESCRIPTION_MIN or len(set(_real_characters(text))) < 2:
        raise DescriptionTooShort(minimum=DESCRIPTION_MIN)
    return text


def _real_characters(text: str) -> list[str]:
    """The letters and digits of a text: no emoji, punctuation or spaces."""
    return [c.casefold() for c in text if unicodedata.category(c)[0] in "LN"]


def check_voice(duration: int) -> None:
    if not 0 < duration <= VOICE_MAX_SECONDS:
        raise InvalidInput(
            N_("Please send a voice message of up to 5 minutes, or describe it in words.")
        )


def check_photo_room(photos_so_far: int) -> None:
    if photos_so_far >= MAX_PHOTOS:
        raise TooManyPhotos()


def clean_place(text: str | None) -> str:
    text = (text or "").strip()
    if not text or len(text) > PLACE_MAX or text.startswith("/"):
        raise InvalidInput(
            N_("Please say where in a few words (at most %(limit)s characters)."), limit=PLACE_MAX
        )
    return text


@dataclass(frozen=True)
class Draft:
    """What the reporter told us, checked again in full before anything is stored."""

    household_id: int
    category: TicketCategory
    urgency: Urgency
    location: Location
    description: str | None = None
    voice_file_id: str | None = None
    voice_seconds: int | None = None
    photo_file_ids: tuple[str, ...] = field(default_factory=tuple)
    place: str = ""

    def checked(self) -> Draft:
        description = None
        if self.voice_file_id is None or self.description:
            description = clean_description(self.description)
        if self.voice_file_id is not None:
            check_voice(self.voice_seconds or 0)
        if len(self.photo_file_ids) > MAX_PHOTOS:
            raise TooManyPhotos()
        place = clean_place(self.place) if self.location is Location.COMMON else ""
        return Draft(
            household_id=self.household_id,
            category=self.category,
            urgency=self.urgency,
            location=self.location,
            description=description,
            voice_file_id=self.voice_file_id,
            voice_seconds=self.voice_seconds,
            photo_file_ids=tuple(self.photo_file_ids),
            place=place,
        )


@dataclass(frozen=True)
class HomeChoice:
    household_id: int
    courtyard: str
    household: str


async def homes(session: AsyncSession, actor: Actor) -> list[HomeChoice]:
    """The approved households a resident can report for."""
    if not actor.households:
        return []
    rows = await session.execute(
        select(Household, Courtyard.name)
        .join(Courtyard, Courtyard.id == Household.courtyard_id)
        .where(Household.id.in_(list(actor.households)))
        .order_by(Courtyard.name, Household.building, Household.unit, Household.room)
    )
    return [HomeChoice(h.id, name, h.label()) for h, name in rows.tuples().all()]


async def file(
    session: AsyncSession, actor: Actor, draft: Draft, now: datetime, policy: Policy
) -> TicketInfo:
    """A resident reports a repair for one of their households."""
    if draft.household_id not in actor.households:
        raise NotYourHousehold()
    return await _create(session, actor, draft.checked(), now, policy, channel=actor.channel)


async def file_on_behalf(
    session: AsyncSession,
    actor: Actor,
    draft: Draft,
    channel: str,
    now: datetime,
    policy: Policy,
) -> TicketInfo:
    """Customer service or a grid leader files for a household; its members are told."""
    home = await session.get(Household, draft.household_id)
    if home is None:
        raise NotFound()
    require(actor, FILERS, home.courtyard_id)
    if channel not in CHANNELS_ON_BEHALF:
        raise InvalidInput()
    info = await _create(session, actor, draft.checked(), now, policy, channel=channel)
    ticket = await session.get(Ticket, info.id)
    assert ticket is not None
    await notices.tell_answerers(
        session,
        ticket,
        TicketFiledForYou(ticket=info, by=actor.name),
        now=now,
        policy=policy,
        exclude=actor.user_id,
    )
    return info


async def _create(
    session: AsyncSession,
    actor: Actor,
    draft: Draft,
    now: datetime,
    policy: Policy,
    *,
    channel: str,
) -> TicketInfo:
    home = await session.get(Household, draft.household_id)
    if home is None:
        raise NotFound()
    courtyard = await session.get(Courtyard, home.courtyard_id)
    assert courtyard is not None
    window = await deadlines.window_for(session, courtyard.id, draft.category, draft.urgency)
    start = team_starts_at(now, policy, urgent=draft.urgency is Urgency.URGENT)
    seq = await numbering.next_number(session, TicketCounter, courtyard.id)
    ticket = Ticket(
        courtyard_id=courtyard.id,
        household_id=home.id,
        seq=seq,
        number=f"{courtyard.code}-{seq:04d}",
        reporter_id=actor.user_id,
        on_behalf=channel in CHANNELS_ON_BEHALF,
        channel=channel,
        category=draft.category,
        urgency=draft.urgency,
        description=draft.description,
        location=draft.location,
        place=draft.place,
        status=TicketStatus.NEW,
        version=0,
        created_at=now,
        claim_window_minutes=window.claim_minutes,
        resolve_window_minutes=window.resolve_minutes,
        claim_due_at=start + _minutes(window.claim_minutes),
        resolve_due_at=start + _minutes(window.resolve_minutes),
        reopen_count=0,
        alert_round=0,
    )
    ticket.next_alert_at = alerts.next_alert_at(ticket)
    session.add(ticket)
    await session.flush()
    media = [
        TicketMedia(
            ticket_id=ticket.id,
            kind=MediaKind.PHOTO,
            stage=MediaStage.REPORT,
            file_id=file_id,
            added_by=actor.user_id,
            added_at=now,
        )
        for file_id in draft.photo_file_ids
    ]
    if draft.voice_file_id is not None:
        media.append(
            TicketMedia(
                ticket_id=ticket.id,
                kind=MediaKind.VOICE,
                stage=MediaStage.REPORT,
                file_id=draft.voice_file_id,
                duration=draft.voice_seconds,
                added_by=actor.user_id,
                added_at=now,
            )
        )
    session.add_all(media)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="ticket",
        subject_id=ticket.id,
        action="filed",
        courtyard_id=courtyard.id,
        to_state=TicketStatus.NEW.value,
        channel=channel,
        data={
            "number": ticket.number,
            "category": draft.category.value,
            "urgency": draft.urgency.value,
            "household_id": home.id,
            "on_behalf": ticket.on_behalf,
        },
    )
    await session.flush()
    info = await describe(session, ticket)
    await notices.send_cards(session, ticket, info, now, policy)
    return info


def _minutes(value: int) -> timedelta:
    return timedelta(minutes=value)
