"""Income from fees, posted from recorded payments so fees and the ledger always reconcile.

Per courtyard, every payment not yet summed (and not reversed before it was) with a paid_on
before `until` goes into one income entry per (day, method), linked to the payments it sums;
a reversed payment that was summed gets a reversing entry of its summary, linked to it. A
payment is summed at most once and taken back at most once (unique (link kind, payment) in
`ledger_links`), and each entry has a dedupe key, so a re-run, a crash or a second scheduler
posts nothing twice; a payment recorded late for an earlier day is summed by the next run.

Hence: Σ income lines from fees (reversals negative) == Σ payments − Σ reversed payments,
for every payment dated before `until` (services.ledger.report.fee_income checks it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Category,
    Courtyard,
    EntryKind,
    EntrySource,
    LedgerEntry,
    LedgerLink,
    LinkKind,
    Payment,
    PaymentReversal,
)
from models.db import transaction
from services import events
from services.ledger import chain
from services.ledger.chain import Content, Link


@dataclass(frozen=True)
class Posted:
    courtyard_id: int
    summaries: int
    reversals: int


def _linked(kind: LinkKind) -> object:
    return exists().where(LedgerLink.kind == kind, LedgerLink.payment_id == Payment.id)


async def post(
    session: AsyncSession, courtyard_id: int, *, until: date, now: datetime, timezone: ZoneInfo
) -> Posted:
    """Post the courtyard's fee income dated before `until` and the reversals so far."""
    book = await chain.lock_book(session, courtyard_id)
    reversed_ = exists().where(PaymentReversal.payment_id == Payment.id)
    rows = (
        await session.execute(
            select(
                Payment.id,
                Payment.paid_on,
                Payment.method,
                Payment.amount_fen,
                Payment.receipt_number,
            )
            .where(
                Payment.courtyard_id == courtyard_id,
                Payment.paid_on < until,
                ~_linked(LinkKind.PAYMENT),  # type: ignore[operator]
                ~reversed_,
            )
            .order_by(Payment.paid_on, Payment.method, Payment.id)
        )
    ).all()
    summaries = 0
    for (day, method), group in groupby(rows, key=lambda r: (r.paid_on, r.method)):
        payments = list(group)
        first, last = payments[0], payments[-1]
        entry = await chain.append(
            session,
            book,
            Content(
                courtyard_id=courtyard_id,
                seq=0,
                kind=EntryKind.INCOME,
                category=Category.PROPERTY_FEES,
                amount_fen=sum(int(p.amount_fen) for p in payments),
                booked_on=day,
                counterparty=method.value,
                description=f"{first.receipt_number}…{last.receipt_number} ({len(payments)})",
                source=EntrySource.FEES,
                entered_by=None,
                created_at=now,
                dedupe_key=f"fees:{courtyard_id}:{day.isoformat()}:{method.value}:{first.id}",
                links=tuple(Link(LinkKind.PAYMENT, int(p.id)) for p in payments),
            ),
        )
        _posted(session, entry, now, "ledger_fee_income_posted", payments=len(payments))
        summaries += 1
    summed_by = LedgerLink.__table__.alias("summed_by")
    taken_back = (
        await session.execute(
            select(
                Payment.id,
                Payment.amount_fen,
                Payment.receipt_number,
                Payment.method,
                PaymentReversal.reason,
                PaymentReversal.reversed_at,
                summed_by.c.entry_id,
            )
            .join(PaymentReversal, PaymentReversal.payment_id == Payment.id)
            .join(
                summed_by,
                and_(
                    summed_by.c.payment_id == Payment.id,
                    summed_by.c.kind == LinkKind.PAYMENT.value,
                ),
            )
            .where(
                Payment.courtyard_id == courtyard_id,
                ~_linked(LinkKind.PAYMENT_REVERSAL),  # type: ignore[operator]
            )
            .order_by(PaymentReversal.reversed_at, Payment.id)
        )
    ).all()
    for row in taken_back:
        entry = await chain.append(
            session,
            book,
            Content(
                courtyard_id=courtyard_id,
                seq=0,
                kind=EntryKind.INCOME,
                category=Category.PROPERTY_FEES,
                amount_fen=int(row.amount_fen),
                booked_on=row.reversed_at.astimezone(timezone).date(),
                counterparty=row.method.value,
                description=row.receipt_number,
                source=EntrySource.FEES,
                entered_by=None,
                created_at=now,
                reverses_entry_id=int(row.entry_id),
                reason=row.reason,
                dedupe_key=f"fee-reversal:{row.id}",
                links=(Link(LinkKind.PAYMENT_REVERSAL, int(row.id)),),
            ),
        )
        _posted(session, entry, now, "ledger_fee_income_reversed", payment_id=int(row.id))
    return Posted(courtyard_id, summaries, len(taken_back))


def _posted(
    session: AsyncSession, entry: LedgerEntry, now: datetime, action: str, **data: object
) -> None:
    events.record(
        session,
        at=now,
        actor=None,
        subject_type="ledger_entry",
        subject_id=entry.id,
        action=action,
        courtyard_id=entry.courtyard_id,
        to_state="counted",
        channel="scheduler",
        data={"seq": entry.seq, "amount_fen": entry.amount_fen, "hash": entry.hash, **data},
    )


async def post_all(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    timezone: ZoneInfo,
    *,
    until: date | None = None,
    progress: Callable[[Posted], None] | None = None,
) -> list[Posted]:
    """Every courtyard with payments, one transaction each; `until` defaults to today (local),
    so the days that are over are posted."""
    day = until or now.astimezone(timezone).date()
    async with sessions() as session:
        ids = list(
            await session.scalars(
                select(Courtyard.id)
                .where(exists().where(Payment.courtyard_id == Courtyard.id))
                .order_by(Courtyard.id)
            )
        )
    done: list[Posted] = []
    for courtyard_id in ids:
        async with transaction(sessions) as session:
            posted = await post(session, courtyard_id, until=day, now=now, timezone=timezone)
        done.append(posted)
        if progress is not None:
            progress(posted)
    return done
