"""The daily check: every courtyard's chain verified; a break alerts its supervisors and the
service center (once a day per courtyard and person)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard
from services import audiences, outbox
from services.access import Role
from services.ledger import chain, verification
from services.ledger.messages import LedgerChainBroken
from services.policy import Policy


async def verify_all(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Verify every book; returns the outbox rows written for the broken ones."""
    day = now.astimezone(policy.timezone).date()
    written = 0
    for courtyard_id in await chain.courtyards_with_books(session):
        verdict = await verification.verify(session, courtyard_id)
        if verdict.ok:
            continue
        courtyard = await session.get(Courtyard, courtyard_id)
        assert courtyard is not None
        key = f"ledger-broken:{day.isoformat()}:{courtyard_id}"
        recipients = [
            *await audiences.staff(session, Role.SUPERVISOR, courtyard_id),
            *await audiences.admins(session, courtyard_id),
        ]
        written += await outbox.enqueue_many(
            session,
            LedgerChainBroken(
                courtyard=courtyard.name,
                seq=verdict.broken_seq or 0,
                problem=verdict.problem or "hash",
                day=day,
            ),
            recipients,
            dedupe_key=lambda r, key=key: f"{key}:{r.key}",  # type: ignore[misc]
            now=now,
            quiet=policy.quiet_for(LedgerChainBroken.kind),
        )
    return written
