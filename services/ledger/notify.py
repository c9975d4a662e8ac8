"""Who hears of what in the ledger, written to the outbox in the transaction of the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import LedgerEntry, User
from services import audiences, outbox
from services.access import Actor
from services.ledger.messages import LedgerApprovalNeeded, LedgerDecided, LineFacts
from services.policy import Policy


def facts(entry: LedgerEntry) -> LineFacts:
    return LineFacts(
        seq=entry.seq,
        booked_on=entry.booked_on,
        kind=entry.kind.value,
        category=entry.category.value,
        amount_fen=entry.amount_fen,
        counterparty=entry.counterparty,
        description=entry.description,
        source=entry.source.value,
    )


async def approval_needed(
    session: AsyncSession,
    actor: Actor | None,
    entry: LedgerEntry,
    *,
    courtyard: str,
    threshold_fen: int,
    now: datetime,
    policy: Policy | None = None,
    evidence: int = 0,
) -> int:
    admins = [
        r
        for r in await audiences.admins(session, entry.courtyard_id)
        if actor is None or r.user_id != actor.user_id
    ]
    payload = LedgerApprovalNeeded(
        courtyard_id=entry.courtyard_id,
        courtyard=courtyard,
        line=facts(entry),
        booked_by=actor.name if actor else "",
        threshold_fen=threshold_fen,
        evidence=evidence,
    )
    return await outbox.enqueue_many(
        session,
        payload,
        admins,
        dedupe_key=lambda r: f"ledger-approval:{entry.id}:{r.key}",
        now=now,
        quiet=policy.quiet_for(LedgerApprovalNeeded.kind) if policy else None,
    )


async def decided(
    session: AsyncSession,
    actor: Actor,
    entry: LedgerEntry,
    *,
    courtyard: str,
    approved: bool,
    note: str,
    now: datetime,
    policy: Policy | None = None,
) -> bool:
    if entry.entered_by is None or await session.get(User, entry.entered_by) is None:
        return False
    return await outbox.enqueue(
        session,
        LedgerDecided(
            courtyard=courtyard, line=facts(entry), approved=approved, by=actor.name, note=note
        ),
        dedupe_key=f"ledger-decided:{entry.id}",
        now=now,
        user_id=entry.entered_by,
        quiet=policy.quiet_for(LedgerDecided.kind) if policy else None,
    )
