""" "I have paid": a resident reports a payment for one of their households (amount, optionally
the method, a transfer screenshot); it reaches the courtyard's finance staff as a card to
confirm or reject. Confirming records the payment (services.fees.payments.record: oldest bills
first, credit, a gapless receipt number, the receipt to the household); rejecting needs a reason,
which the resident is told.

A claim is decided once: the decision is a conditional UPDATE on its status, so a second tap,
or a second clerk at the same moment, is told who handled it; nothing is recorded twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import ClaimStatus, Courtyard, Household, PaymentClaim, PaymentMethod, User
from services import audiences, events, outbox
from services.access import Actor, Role, require
from services.errors import NotFound
from services.fees import payments
from services.fees.claim_notices import FeeClaimCard, FeeClaimRejected
from services.fees.errors import (
    BadAmount,
    ClaimAlreadyDecided,
    NotYourBill,
    ReasonRequired,
    ScreenshotRequired,
)
from services.policy import Policy

DECIDERS = payments.RECORDERS  # finance of the courtyard: the ones who record payments
MAX_REASON = 300
MAX_FILE_ID = 200


@dataclass(frozen=True)
class ClaimInfo:
    id: int
    courtyard_id: int
    household_id: int
    claimant_id: int
    amount_fen: int
    method: PaymentMethod | None
    paid_on: date
    status: ClaimStatus
    home: str  # the household's label
    finance_told: int = 0  # finance staff the card went to (submit only)


def _info(
    claim: PaymentClaim, home: str, *, status: ClaimStatus | None = None, told: int = 0
) -> ClaimInfo:
    return ClaimInfo(
        claim.id,
        claim.courtyard_id,
        claim.household_id,
        claim.claimant_id,
        claim.amount_fen,
        claim.method,
        claim.paid_on,
        status or claim.status,
        home,
        told,
    )


async def submit(
    session: AsyncSession,
    actor: Actor,
    household_id: int,
    *,
    amount_fen: int,
    method: PaymentMethod | None,
    photo_file_id: str,
    today: date,
    now: datetime,
    policy: Policy | None = None,
) -> ClaimInfo:
    """A member of the household says it has paid; finance gets the card with the photo."""
    courtyard_id = actor.households.get(household_id)
    if courtyard_id is None:
        raise NotYourBill()
    if amount_fen <= 0:
        raise BadAmount(text=str(amount_fen))
    photo_file_id = photo_file_id.strip()
    if not photo_file_id or len(photo_file_id) > MAX_FILE_ID:
        raise ScreenshotRequired()
    claim = PaymentClaim(
        courtyard_id=courtyard_id,
        household_id=household_id,
        claimant_id=actor.user_id,
        amount_fen=amount_fen,
        method=method,
        paid_on=today,
        photo_file_id=photo_file_id,
        status=ClaimStatus.PENDING,
        created_at=now,
        channel=actor.channel,
    )
    session.add(claim)
    await session.flush()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="payment_claim",
        subject_id=claim.id,
        action="claim_submitted",
        courtyard_id=courtyard_id,
        to_state=ClaimStatus.PENDING.value,
        data={
            "household_id": household_id,
            "amount_fen": amount_fen,
            "method": method.value if method else None,
        },
    )
    courtyard, household = (
        await session.execute(
            select(Courtyard.name, Household)
            .join(Household, Household.courtyard_id == Courtyard.id)
            .where(Household.id == household_id)
        )
    ).one()
    card = FeeClaimCard(
        claim_id=claim.id,
        courtyard=courtyard,
        household=household.label(),
        claimant=actor.name,
        amount_fen=amount_fen,
        method=method.value if method else None,
        paid_on=today,
        photo_file_id=photo_file_id,
    )
    # finance of the courtyard; while it has none, the service center
    staff = await audiences.staff(session, Role.FINANCE, courtyard_id)
    told = await outbox.enqueue_many(
        session,
        card,
        staff or await audiences.admins(session, courtyard_id),
        dedupe_key=lambda r: f"fee-claim:{claim.id}:{r.key}",
        now=now,
        quiet=policy.quiet_for(FeeClaimCard.kind) if policy else None,
    )
    return _info(claim, household.label(), told=told)


async def _claim(session: AsyncSession, actor: Actor, claim_id: int) -> tuple[PaymentClaim, str]:
    claim = await session.get(PaymentClaim, claim_id)
    if claim is None:
        raise NotFound()
    require(actor, DECIDERS, claim.courtyard_id)
    household = await session.get(Household, claim.household_id)
    return claim, household.label() if household else ""


async def _already(session: AsyncSession, claim_id: int) -> ClaimAlreadyDecided:
    """Who decided the claim, read afresh (the other clerk's transaction has committed)."""
    status, name = (
        await session.execute(
            select(PaymentClaim.status, User.name)
            .outerjoin(User, User.id == PaymentClaim.decided_by)
            .where(PaymentClaim.id == claim_id)
        )
    ).one()
    if status == ClaimStatus.REJECTED:
        return ClaimAlreadyDecided(ClaimAlreadyDecided.rejected, by=name or "?")
    return ClaimAlreadyDecided(by=name or "?")


async def _decide(
    session: AsyncSession,
    actor: Actor,
    claim_id: int,
    status: ClaimStatus,
    now: datetime,
    reason: str | None = None,
) -> None:
    """pending → status, once: the UPDATE's condition is the lock (a second clerk waits on the
    row, then finds it decided)."""
    result = await session.execute(
        update(PaymentClaim)
        .where(PaymentClaim.id == claim_id, PaymentClaim.status == ClaimStatus.PENDING)
        .values(status=status, decided_by=actor.user_id, decided_at=now, reason=reason)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        raise await _already(session, claim_id)


async def pending(session: AsyncSession, actor: Actor, claim_id: int) -> ClaimInfo:
    """A claim finance is about to decide (before asking a rejection's reason)."""
    claim, home = await _claim(session, actor, claim_id)
    if claim.status is not ClaimStatus.PENDING:
        raise await _already(session, claim_id)
    return _info(claim, home)


async def confirm(
    session: AsyncSession,
    actor: Actor,
    claim_id: int,
    *,
    today: date,
    now: datetime,
    policy: Policy | None = None,
) -> tuple[ClaimInfo, payments.PaymentInfo]:
    """Finance confirms: the payment is recorded (and its receipt sent), linked to the claim."""
    claim, home = await _claim(session, actor, claim_id)
    await _decide(session, actor, claim_id, ClaimStatus.CONFIRMED, now)
    recorded = await payments.record(
        session,
        actor,
        claim.courtyard_id,
        claim.household_id,
        amount_fen=claim.amount_fen,
        method=claim.method or PaymentMethod.OTHER,
        paid_on=min(claim.paid_on, today),
        today=today,
        now=now,
        note=f"claim {claim.id}",
        channel=actor.channel,
        policy=policy,
    )
    await session.execute(
        update(PaymentClaim)
        .where(PaymentClaim.id == claim_id)
        .values(payment_id=recorded.id)
        .execution_options(synchronize_session=False)
    )
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="payment_claim",
        subject_id=claim.id,
        action="claim_confirmed",
        courtyard_id=claim.courtyard_id,
        from_state=ClaimStatus.PENDING.value,
        to_state=ClaimStatus.CONFIRMED.value,
        data={"payment_id": recorded.id, "receipt": recorded.receipt_number},
    )
    return _info(claim, home, status=ClaimStatus.CONFIRMED), recorded


async def reject(
    session: AsyncSession,
    actor: Actor,
    claim_id: int,
    *,
    reason: str,
    now: datetime,
    policy: Policy | None = None,
) -> ClaimInfo:
    """Finance rejects with a reason; the resident who sent the claim is told it."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise ReasonRequired()
    claim, home = await _claim(session, actor, claim_id)
    await _decide(session, actor, claim_id, ClaimStatus.REJECTED, now, reason)
    await outbox.enqueue(
        session,
        FeeClaimRejected(
            claim_id=claim.id,
            household=home,
            amount_fen=claim.amount_fen,
            paid_on=claim.paid_on,
            reason=reason,
            by=actor.name,
        ),
        dedupe_key=f"fee-claim-rejected:{claim.id}",
        now=now,
        user_id=claim.claimant_id,
        quiet=policy.quiet_for(FeeClaimRejected.kind) if policy else None,
    )
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="payment_claim",
        subject_id=claim.id,
        action="claim_rejected",
        courtyard_id=claim.courtyard_id,
        from_state=ClaimStatus.PENDING.value,
        to_state=ClaimStatus.REJECTED.value,
        data={"reason": reason},
    )
    return _info(claim, home, status=ClaimStatus.REJECTED)
