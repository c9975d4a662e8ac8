"""The receipt message (收据) to a household's members after finance records a payment for it,
written to the outbox in the payment's transaction.

Stand-in until the resident side's receipt function is on main: the lead folds the two into
one (same kind, `fee.receipt`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, Household, PaymentMethod
from services import audiences, outbox
from services.errors import NotFound
from services.fees.payments import PaymentInfo
from services.outbox import OutboxPayload
from services.policy import Policy


class FeeReceipt(OutboxPayload):
    """To each approved member of the household: what was received, how, for which months,
    and the credit left. Amounts in fen."""

    kind: ClassVar[str] = "fee.receipt"
    courtyard: str
    household: str
    receipt: str
    amount_fen: int
    method: PaymentMethod
    paid_on: date
    periods: tuple[str, ...]  # the months this payment settled (in part or in full)
    credit_fen: int


async def send_payment_receipt(
    session: AsyncSession, payment: PaymentInfo, *, now: datetime, policy: Policy
) -> int:
    """One receipt message per member of the paying household (waits out quiet hours; sent
    once per receipt and person). Returns the rows written."""
    courtyard = await session.get(Courtyard, payment.courtyard_id)
    household = await session.get(Household, payment.household_id)
    if courtyard is None or household is None:
        raise NotFound()
    payload = FeeReceipt(
        courtyard=courtyard.name,
        household=household.label(),
        receipt=payment.receipt_number,
        amount_fen=payment.amount_fen,
        method=payment.method,
        paid_on=payment.paid_on,
        periods=tuple(dict.fromkeys(a.period for a in payment.allocations)),
        credit_fen=payment.credit_fen,
    )
    return await outbox.enqueue_many(
        session,
        payload,
        await audiences.household_members(session, payment.household_id),
        dedupe_key=lambda r: f"fee-receipt:{payment.receipt_number}:{r.key}",
        now=now,
        quiet=policy,
    )
