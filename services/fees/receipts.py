"""The receipt message: after any recorded payment (finance in the bot, a confirmed claim, the
terminal's import), every approved member of the household is told the receipt number, the
amount, the months it settled and what is still due.

`services.fees.payments.record` calls `tell_household` itself, in the payment's transaction, so
no path that records a payment can forget it (and a rolled-back payment tells nobody)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, Household
from services import audiences, outbox
from services.fees import statements
from services.outbox import OutboxPayload
from services.policy import Policy

if TYPE_CHECKING:
    from services.fees.payments import PaymentInfo


class FeeReceipt(OutboxPayload):
    kind = "fee.receipt"
    payment_id: int
    receipt_number: str
    courtyard: str
    household: str
    amount_fen: int
    method: str  # a PaymentMethod value
    paid_on: date
    settled: tuple[tuple[str, int], ...]  # (period, fen) this payment settled
    credit_fen: int  # the household's credit afterwards
    still_due_fen: int  # what the household still owes afterwards


async def tell_household(
    session: AsyncSession,
    payment: PaymentInfo,
    *,
    now: datetime,
    quiet: Policy | None = None,
) -> int:
    """Enqueue the receipt for each approved member of the payment's household (once each:
    the dedupe key names the payment). Returns the rows written."""
    names = (
        await session.execute(
            select(Courtyard.name, Household)
            .join(Household, Household.courtyard_id == Courtyard.id)
            .where(Household.id == payment.household_id)
        )
    ).one()
    courtyard, household = names
    members = await audiences.household_members(session, payment.household_id)
    if not members:
        return 0
    receipt = FeeReceipt(
        payment_id=payment.id,
        receipt_number=payment.receipt_number,
        courtyard=courtyard,
        household=household.label(),
        amount_fen=payment.amount_fen,
        method=payment.method.value,
        paid_on=payment.paid_on,
        settled=tuple((a.period, a.amount_fen) for a in payment.allocations),
        credit_fen=payment.credit_fen,
        still_due_fen=await statements.open_total(session, payment.household_id),
    )
    return await outbox.enqueue_many(
        session,
        receipt,
        members,
        dedupe_key=lambda r: f"fee-receipt:{payment.id}:{r.key}",
        now=now,
        quiet=quiet,
    )
