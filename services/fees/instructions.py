"""How to pay in a courtyard (缴费方式): bank account, office hours and place as text, and an
optional WeChat/Alipay QR image (its Telegram file id). Set by the courtyard's finance staff or
an admin; residents read it from 💰 My bills. It is not money: the one row is updated in place,
and each change is an event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, PaymentInstructions
from models.db import upsert_insert
from services import courtyards, events
from services.access import Actor, Role, require
from services.errors import NotFound
from services.fees.errors import InstructionsTooLong, ScreenshotRequired
from services.fees.statements import readable_household

SETTERS = (Role.FINANCE, Role.ADMIN)
MAX_DETAILS = 1000
MAX_FILE_ID = 200


@dataclass(frozen=True)
class Instructions:
    courtyard_id: int
    courtyard: str
    details: str | None
    qr_file_id: str | None

    @property
    def empty(self) -> bool:
        return not self.details and not self.qr_file_id


async def of_courtyard(session: AsyncSession, courtyard_id: int) -> Instructions:
    row = (
        await session.execute(
            select(Courtyard.name, PaymentInstructions.details, PaymentInstructions.qr_file_id)
            .outerjoin(PaymentInstructions, PaymentInstructions.courtyard_id == Courtyard.id)
            .where(Courtyard.id == courtyard_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    name, details, qr = row
    return Instructions(courtyard_id, name, details, qr)


async def for_household(session: AsyncSession, actor: Actor, household_id: int) -> Instructions:
    """What a member of the household (or staff reading it) is shown under 缴费方式."""
    household, _name, _has = await readable_household(session, actor, household_id)
    return await of_courtyard(session, household.courtyard_id)


async def courtyards_to_set(session: AsyncSession, actor: Actor) -> list[courtyards.CourtyardInfo]:
    """The courtyards whose instructions this person may set."""
    return await courtyards.courtyards_for(session, actor.courtyards_as(SETTERS))


async def _save(
    session: AsyncSession,
    actor: Actor,
    courtyard_id: int,
    now: datetime,
    change: dict[str, str | None],
) -> Instructions:
    require(actor, SETTERS, courtyard_id)
    if await session.get(Courtyard, courtyard_id) is None:
        raise NotFound()
    values = {"updated_by": actor.user_id, "updated_at": now, **change}
    insert = upsert_insert(session, PaymentInstructions).values(courtyard_id=courtyard_id, **values)
    await session.execute(
        insert.on_conflict_do_update(index_elements=["courtyard_id"], set_=values)
    )
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="payment_instructions",
        subject_id=courtyard_id,
        action="payment_instructions_updated",
        courtyard_id=courtyard_id,
        data={key: value is not None for key, value in change.items()},
    )
    return await of_courtyard(session, courtyard_id)


async def set_details(
    session: AsyncSession, actor: Actor, courtyard_id: int, text: str, now: datetime
) -> Instructions:
    details = text.strip()
    if not details or len(details) > MAX_DETAILS:
        raise InstructionsTooLong(limit=MAX_DETAILS)
    return await _save(session, actor, courtyard_id, now, {"details": details})


async def set_qr(
    session: AsyncSession, actor: Actor, courtyard_id: int, file_id: str, now: datetime
) -> Instructions:
    file_id = file_id.strip()
    if not file_id or len(file_id) > MAX_FILE_ID:
        raise ScreenshotRequired()
    return await _save(session, actor, courtyard_id, now, {"qr_file_id": file_id})


async def clear_qr(
    session: AsyncSession, actor: Actor, courtyard_id: int, now: datetime
) -> Instructions:
    return await _save(session, actor, courtyard_id, now, {"qr_file_id": None})
