"""Payments: recorded by finance for a household of their courtyard (or imported at the
terminal), each with a gapless receipt number per courtyard; settled against the oldest open
bill lines first, the rest kept as credit; corrected by a reversal with a reason, never edited.

Every path that settles a courtyard's money holds its receipt counter row (services.numbering),
so two clerks, an import and a bill run never settle the same credit twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, Subquery, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    BillLine,
    Courtyard,
    Household,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentReversal,
    ReceiptCounter,
)
from models.db import upsert_insert
from services import events, numbering
from services.access import Actor, Role, require
from services.errors import NotFound
from services.fees import money, receipts
from services.fees.errors import (
    AlreadyReversed,
    BadAmount,
    BadDate,
    DuplicateReference,
    FutureDate,
    HouseholdElsewhere,
    ReasonRequired,
    UnknownMethod,
)
from services.policy import Policy

RECORDERS = (Role.FINANCE,)
MAX_REFERENCE = 100
MAX_REASON = 300

# what a clerk may type for a method (CLI files, the bot's free text)
METHOD_NAMES: dict[str, PaymentMethod] = {
    **{m.value: m for m in PaymentMethod},
    "现金": PaymentMethod.CASH,
    "微信": PaymentMethod.WECHAT,
    "微信支付": PaymentMethod.WECHAT,
    "支付宝": PaymentMethod.ALIPAY,
    "银行转账": PaymentMethod.BANK_TRANSFER,
    "转账": PaymentMethod.BANK_TRANSFER,
    "bank": PaymentMethod.BANK_TRANSFER,
    "其他": PaymentMethod.OTHER,
}


def parse_method(text: str) -> PaymentMethod:
    found = METHOD_NAMES.get(text.strip().lower().replace(" ", "_"))
    if found is None:
        raise UnknownMethod(text=text, methods=", ".join(m.value for m in PaymentMethod))
    return found


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise BadDate(text=text) from None


async def check_reference(session: AsyncSession, courtyard_id: int, reference: str | None) -> None:
    """A reference (a transfer's serial number, a paper receipt's number) is recorded once per
    courtyard. Raises DuplicateReference naming the receipt that has it."""
    reference = (reference or "").strip()[:MAX_REFERENCE] or None
    if reference is None:
        return
    earlier = await session.scalar(
        select(Payment.receipt_number).where(
            Payment.courtyard_id == courtyard_id, Payment.reference == reference
        )
    )
    if earlier is not None:
        raise DuplicateReference(reference=reference, receipt=earlier)


@dataclass(frozen=True)
class Allocation:
    bill_line_id: int
    period: str
    amount_fen: int


@dataclass(frozen=True)
class PaymentInfo:
    id: int
    courtyard_id: int
    household_id: int
    receipt_number: str
    method: PaymentMethod
    amount_fen: int
    paid_on: date
    reference: str | None
    allocations: tuple[Allocation, ...]  # what this payment settled when it was recorded
    credit_fen: int  # the household's credit afterwards


def _not_reversed() -> ColumnElement[bool]:
    return ~exists().where(PaymentReversal.payment_id == Payment.id)


def valid_allocations() -> Subquery:
    """Allocations of payments that were not reversed (a subquery: line, payment, amount)."""
    return (
        select(
            PaymentAllocation.bill_line_id,
            PaymentAllocation.payment_id,
            PaymentAllocation.amount_fen,
            Payment.paid_on,
        )
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(_not_reversed())
        .subquery()
    )


async def record(
    session: AsyncSession,
    actor: Actor | None,
    courtyard_id: int,
    household_id: int,
    *,
    amount_fen: int,
    method: PaymentMethod,
    paid_on: date,
    today: date,
    now: datetime,
    reference: str | None = None,
    note: str | None = None,
    channel: str | None = None,
    policy: Policy | None = None,
    photo_file_id: str | None = None,
) -> PaymentInfo:
    """Record a payment. `actor` None is the operator at the terminal (an import).

    The household's members get the receipt (services.fees.receipts) through the outbox in
    this transaction; with a `policy` it waits out the quiet hours. `photo_file_id`: a photo
    of the paper receipt or of the transfer, kept with the payment's event."""
    if actor is not None:
        require(actor, RECORDERS, courtyard_id)
    if amount_fen <= 0:
        raise BadAmount(text=money.yuan(amount_fen))
    if paid_on > today:
        raise FutureDate(date=paid_on.isoformat())
    reference = (reference or "").strip()[:MAX_REFERENCE] or None
    courtyard = await session.get(Courtyard, courtyard_id)
    household = await session.get(Household, household_id)
    if courtyard is None or household is None:
        raise NotFound()
    if household.courtyard_id != courtyard_id:
        raise HouseholdElsewhere(courtyard=courtyard.name)
    # the number first: its row lock makes a second clerk with the same reference wait here,
    # then see the first one's payment (and a refusal rolls the number back: no gap)
    seq = await numbering.next_number(session, ReceiptCounter, courtyard_id)
    await check_reference(session, courtyard_id, reference)
    payment = Payment(
        courtyard_id=courtyard_id,
        household_id=household_id,
        receipt_seq=seq,
        receipt_number=f"{courtyard.code}-R{seq:06d}",
        method=method,
        amount_fen=amount_fen,
        paid_on=paid_on,
        reference=reference,
        note=(note or "").strip() or None,
        recorded_by=actor.user_id if actor else None,
        recorded_at=now,
        channel=channel or (actor.channel if actor else "cli"),
    )
    session.add(payment)
    await session.flush()
    settled = await settle(session, household_id, now)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="payment",
        subject_id=payment.id,
        action="payment_recorded",
        courtyard_id=courtyard_id,
        to_state="recorded",
        channel=payment.channel,
        data={
            "household_id": household_id,
            "receipt": payment.receipt_number,
            "amount_fen": amount_fen,
            "method": method.value,
            "paid_on": paid_on.isoformat(),
            "reference": reference,
            **({"photo": photo_file_id} if photo_file_id else {}),
        },
    )
    mine = tuple(a for payment_id, a in settled if payment_id == payment.id)
    info = PaymentInfo(
        payment.id,
        courtyard_id,
        household_id,
        payment.receipt_number,
        method,
        amount_fen,
        paid_on,
        reference,
        mine,
        await credit(session, household_id),
    )
    await receipts.tell_household(
        session,
        info,
        now=now,
        quiet=policy.quiet_for(receipts.FeeReceipt.kind) if policy else None,
    )
    return info


async def settle(
    session: AsyncSession, household_id: int, now: datetime
) -> list[tuple[int, Allocation]]:
    """Allocate the household's unallocated money to its open lines, oldest period first,
    the earliest paid money first. Returns (payment id, allocation) written."""
    allocated = valid_allocations()
    paid = func.coalesce(func.sum(allocated.c.amount_fen), 0)
    open_lines = list(
        (
            await session.execute(
                select(BillLine.id, BillLine.period, BillLine.amount_fen - paid)
                .outerjoin(allocated, allocated.c.bill_line_id == BillLine.id)
                .where(BillLine.household_id == household_id)
                .group_by(BillLine.id, BillLine.period, BillLine.amount_fen)
                .having(BillLine.amount_fen - paid > 0)
                .order_by(BillLine.period, BillLine.id)
            )
        ).tuples()
    )
    if not open_lines:
        return []
    used = func.coalesce(func.sum(PaymentAllocation.amount_fen), 0)
    remainders = list(
        (
            await session.execute(
                select(Payment.id, Payment.amount_fen - used)
                .outerjoin(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
                .where(Payment.household_id == household_id, _not_reversed())
                .group_by(Payment.id, Payment.amount_fen, Payment.paid_on)
                .having(Payment.amount_fen - used > 0)
                .order_by(Payment.paid_on, Payment.id)
            )
        ).tuples()
    )
    written: list[tuple[int, Allocation]] = []
    owed = [(int(line_id), str(period), int(due)) for line_id, period, due in open_lines]
    index, still_due = 0, owed[0][2]
    for payment_id, remainder in remainders:
        left = int(remainder)
        while left > 0 and index < len(owed):
            line_id, period, _due = owed[index]
            part = min(left, still_due)
            written.append((payment_id, Allocation(line_id, period, part)))
            left -= part
            still_due -= part
            if still_due == 0:
                index += 1
                still_due = owed[index][2] if index < len(owed) else 0
    if written:
        insert = upsert_insert(session, PaymentAllocation)
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["payment_id", "bill_line_id"],
                set_={"amount_fen": PaymentAllocation.amount_fen + insert.excluded.amount_fen},
            ),
            [
                {
                    "payment_id": payment_id,
                    "bill_line_id": a.bill_line_id,
                    "amount_fen": a.amount_fen,
                    "allocated_at": now,
                }
                for payment_id, a in written
            ],
        )
    return written


def _with_credit(courtyard_id: int) -> Select[tuple[int]]:
    """Households of the courtyard with money not yet settling any line."""
    used = (
        select(func.coalesce(func.sum(PaymentAllocation.amount_fen), 0))
        .where(PaymentAllocation.payment_id == Payment.id)
        .scalar_subquery()
    )
    return (
        select(Payment.household_id)
        .where(Payment.courtyard_id == courtyard_id, _not_reversed(), Payment.amount_fen > used)
        .distinct()
    )


async def has_credit(session: AsyncSession, courtyard_id: int) -> bool:
    """Whether any household of the courtyard has credit (read without the lock: a bill run
    asks first, and settles under the lock only if so)."""
    return (await session.scalar(_with_credit(courtyard_id).limit(1))) is not None


async def settle_credit(session: AsyncSession, courtyard_id: int, now: datetime) -> int:
    """After a bill run: households of the courtyard with credit settle their new lines."""
    await numbering.hold(session, ReceiptCounter, courtyard_id)
    households = await session.scalars(_with_credit(courtyard_id))
    count = 0
    for household_id in list(households):
        count += len(await settle(session, household_id, now))
    return count


async def credit(session: AsyncSession, household_id: int) -> int:
    """Money of the household not (yet) settling any bill line."""
    received = await session.scalar(
        select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(
            Payment.household_id == household_id, _not_reversed()
        )
    )
    # the household's own payments first (not every valid allocation of the store, then a join)
    settled = await session.scalar(
        select(func.coalesce(func.sum(PaymentAllocation.amount_fen), 0))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.household_id == household_id, _not_reversed())
    )
    return int(received or 0) - int(settled or 0)


async def reverse(
    session: AsyncSession,
    actor: Actor | None,
    courtyard_id: int,
    receipt_number: str,
    *,
    reason: str,
    now: datetime,
    channel: str | None = None,
) -> int:
    """Take a payment back with a reason; the lines it settled open again (and whatever
    credit the household still has settles them). Returns the payment id."""
    if actor is not None:
        require(actor, RECORDERS, courtyard_id)
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise ReasonRequired()
    await numbering.hold(session, ReceiptCounter, courtyard_id)
    payment = await session.scalar(
        select(Payment).where(
            Payment.courtyard_id == courtyard_id,
            Payment.receipt_number == receipt_number.strip().upper(),
        )
    )
    if payment is None:
        raise NotFound()
    if await session.scalar(
        select(PaymentReversal.id).where(PaymentReversal.payment_id == payment.id)
    ):
        raise AlreadyReversed(receipt=payment.receipt_number)
    used_channel = channel or (actor.channel if actor else "cli")
    session.add(
        PaymentReversal(
            payment_id=payment.id,
            reason=reason,
            reversed_by=actor.user_id if actor else None,
            reversed_at=now,
            channel=used_channel,
        )
    )
    await session.flush()
    await settle(session, payment.household_id, now)
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="payment",
        subject_id=payment.id,
        action="payment_reversed",
        courtyard_id=courtyard_id,
        from_state="recorded",
        to_state="reversed",
        channel=used_channel,
        data={"receipt": payment.receipt_number, "reason": reason},
    )
    return payment.id
