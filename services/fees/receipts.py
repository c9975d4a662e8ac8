"""The receipt message (收据): after a recorded payment, every approved member of the household
is told the receipt number, the amount, how it was paid and the months it settled.

`services.fees.payments.record` calls `tell_household` itself, in the payment's transaction, so
no path that records a payment can forget it (and a rolled-back payment tells nobody).

Stand-in until the residents' side (fees_resident) is on main: theirs has the same function
name, signature, kind and dedupe key, and replaces this module (and views/fees/finance_receipt)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, Household
from services import audiences, outbox
from services.errors import NotFound
from services.outbox import OutboxPayload
from services.policy import Policy

if TYPE_CHECKING:
    from services.fees.payments import PaymentInfo


class FeeReceipt(OutboxPayload):
    """To each approved member of the household. Amounts in fen."""

    kind: ClassVar[str] = "fee.receipt"
    payment_id: int
    receipt_number: str
    courtyard: str
    household: str
    amount_fen: int
    method: str  # a PaymentMethod value
    paid_on: date
    settled: tuple[tuple[str, int], ...]  # (period, fen) this payment settled
    credit_fen: int  # the household's credit afterwards


async def tell_household(
    session: AsyncSession,
    payment: PaymentInfo,
    *,
    now: datetime,
    quiet: Policy | None = None,
) -> int:
    """Enqueue the receipt for each approved member of the payment's household (once each:
    the dedupe key names the payment). Returns the rows written."""
    courtyard = await session.get(Courtyard, payment.courtyard_id)
    household = await session.get(Household, payment.household_id)
    if courtyard is None or household is None:
        raise NotFound()
    members = await audiences.household_members(session, payment.household_id)
    if not members:
        return 0
    receipt = FeeReceipt(
        payment_id=payment.id,
        receipt_number=payment.receipt_number,
        courtyard=courtyard.name,
        household=household.label(),
        amount_fen=payment.amount_fen,
        method=payment.method.value,
        paid_on=payment.paid_on,
        settled=tuple((a.period, a.amount_fen) for a in payment.allocations),
        credit_fen=payment.credit_fen,
    )
    return await outbox.enqueue_many(
        session,
        receipt,
        members,
        dedupe_key=lambda r: f"fee-receipt:{payment.id}:{r.key}",
        now=now,
        quiet=quiet,
    )
