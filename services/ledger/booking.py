"""Booking entries by hand (finance of the courtyard, or an admin), reversing them with a
reason, and admins' decisions on expenses above the courtyard's threshold (two people: nobody
approves what they booked). Nothing here edits a row: every change is a new row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Category,
    Courtyard,
    Decision,
    EntryKind,
    EntrySource,
    LedgerApproval,
    LedgerEntry,
    LinkKind,
    Ticket,
)
from models.ledger import CATEGORIES_OF
from services import events
from services.access import Actor, Role, require
from services.errors import NotFound
from services.fees import money
from services.fees.errors import BadAmount
from services.ledger import chain, notify
from services.ledger.chain import Content, Evidence, Link
from services.ledger.errors import (
    AlreadyDecided,
    AlreadyReversed,
    CannotReverse,
    CategoryRequired,
    DescriptionRequired,
    EntryNotFound,
    FutureDate,
    NoApprovalNeeded,
    NotServed,
    OwnExpense,
    ReasonRequired,
    TextTooLong,
    UnknownTicket,
    WrongCategory,
)
from services.policy import Policy

BOOKERS = (Role.FINANCE, Role.ADMIN)
APPROVERS = (Role.ADMIN,)
READERS = (Role.FINANCE, Role.ADMIN, Role.SUPERVISOR, Role.GRID_LEADER)
MAX_COUNTERPARTY = 100
MAX_DESCRIPTION = 500
MAX_REASON = 300
MAX_EVIDENCE = 10


def ref(seq: int) -> str:
    """How people name an entry: its number in the courtyard's book."""
    return f"#{seq}"


def counts() -> ColumnElement[bool]:
    """The SQL condition for an entry that counts: no approval needed, or approved."""
    approved = exists().where(
        LedgerApproval.entry_id == LedgerEntry.id, LedgerApproval.decision == Decision.APPROVED
    )
    return or_(LedgerEntry.needs_approval.is_(False), approved)


def waiting() -> ColumnElement[bool]:
    """An expense that waits for an admin's decision."""
    decided = exists().where(LedgerApproval.entry_id == LedgerEntry.id)
    return and_(LedgerEntry.needs_approval.is_(True), ~decided)


async def check_serves(
    session: AsyncSession, actor: Actor | None, courtyard_id: int, roles: tuple[Role, ...]
) -> Courtyard:
    """The courtyard, if `actor` (None: the terminal) holds one of `roles` there."""
    courtyard = await session.get(Courtyard, courtyard_id)
    if courtyard is None:
        raise NotFound()
    if actor is not None and not actor.has_any(roles, courtyard_id):
        if actor.has_any(roles):
            raise NotServed(courtyard=courtyard.name)
        require(actor, roles, courtyard_id)
    return courtyard


def _text(value: str | None, what: str, limit: int) -> str:
    cleaned = " ".join((value or "").split())
    if len(cleaned) > limit:
        raise TextTooLong(what=what, max=limit)
    return cleaned


@dataclass(frozen=True)
class Draft:
    """What finance books: checked by `book`."""

    kind: EntryKind
    category: Category | None
    amount_fen: int
    booked_on: date
    counterparty: str = ""
    description: str = ""
    evidence: tuple[Evidence, ...] = ()
    ticket_number: str | None = None


def check(draft: Draft, today: date) -> None:
    """The rules of a draft that need no store (also asked step by step in the chat)."""
    if draft.category is None:
        raise CategoryRequired()
    if draft.category not in CATEGORIES_OF[draft.kind]:
        raise WrongCategory()
    if draft.amount_fen <= 0:
        raise BadAmount(text=money.yuan(draft.amount_fen))
    if draft.booked_on > today:
        raise FutureDate(date=draft.booked_on.isoformat())
    _text(draft.counterparty, "counterparty", MAX_COUNTERPARTY)
    if not _text(draft.description, "description", MAX_DESCRIPTION):
        raise DescriptionRequired()
    if len(draft.evidence) > MAX_EVIDENCE:
        raise TextTooLong(what="evidence", max=MAX_EVIDENCE)


async def find_ticket(session: AsyncSession, courtyard_id: int, number: str) -> int:
    text = number.strip().upper()
    found = await session.scalar(
        select(Ticket.id).where(Ticket.courtyard_id == courtyard_id, Ticket.number == text)
    )
    if found is None:
        raise UnknownTicket(number=text)
    return int(found)


async def book(
    session: AsyncSession,
    actor: Actor | None,
    courtyard_id: int,
    draft: Draft,
    *,
    today: date,
    now: datetime,
    policy: Policy | None = None,
) -> LedgerEntry:
    """Book an entry; an expense above the courtyard's threshold waits for an admin.
    `policy`: the admins' card waits out the quiet hours."""
    courtyard = await check_serves(session, actor, courtyard_id, BOOKERS)
    check(draft, today)
    assert draft.category is not None
    links: tuple[Link, ...] = ()
    if draft.ticket_number:
        links = (
            Link(LinkKind.TICKET, await find_ticket(session, courtyard_id, draft.ticket_number)),
        )
    book_row = await chain.lock_book(session, courtyard_id)
    needs_approval = (
        draft.kind is EntryKind.EXPENSE and draft.amount_fen > book_row.approval_threshold_fen
    )
    entry = await chain.append(
        session,
        book_row,
        Content(
            courtyard_id=courtyard_id,
            seq=0,
            kind=draft.kind,
            category=draft.category,
            amount_fen=draft.amount_fen,
            booked_on=draft.booked_on,
            counterparty=_text(draft.counterparty, "counterparty", MAX_COUNTERPARTY),
            description=_text(draft.description, "description", MAX_DESCRIPTION),
            source=EntrySource.MANUAL,
            entered_by=actor.user_id if actor else None,
            created_at=now,
            needs_approval=needs_approval,
            links=links,
            evidence=draft.evidence,
        ),
    )
    _event(
        session,
        actor,
        entry,
        now,
        "ledger_entry_booked",
        "waiting" if needs_approval else "counted",
    )
    if needs_approval:
        await notify.approval_needed(
            session,
            actor,
            entry,
            courtyard=courtyard.name,
            threshold_fen=book_row.approval_threshold_fen,
            now=now,
            policy=policy,
            evidence=len(draft.evidence),
        )
    return entry


def _event(
    session: AsyncSession,
    actor: Actor | None,
    entry: LedgerEntry,
    now: datetime,
    action: str,
    to_state: str,
    **data: object,
) -> None:
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="ledger_entry",
        subject_id=entry.id,
        action=action,
        courtyard_id=entry.courtyard_id,
        to_state=to_state,
        data={"seq": entry.seq, "amount_fen": entry.amount_fen, "hash": entry.hash, **data},
    )


async def entry_by_seq(session: AsyncSession, courtyard_id: int, seq: int) -> LedgerEntry:
    entry = await session.scalar(
        select(LedgerEntry).where(LedgerEntry.courtyard_id == courtyard_id, LedgerEntry.seq == seq)
    )
    if entry is None:
        raise EntryNotFound(ref=ref(seq))
    return entry


async def is_counted(session: AsyncSession, entry_id: int) -> bool:
    return bool(
        await session.scalar(select(LedgerEntry.id).where(LedgerEntry.id == entry_id, counts()))
    )


async def reversed_fen(session: AsyncSession, entry_id: int) -> int:
    found = await session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
            LedgerEntry.reverses_entry_id == entry_id
        )
    )
    return int(found or 0)


async def reverse(
    session: AsyncSession,
    actor: Actor | None,
    courtyard_id: int,
    seq: int,
    *,
    reason: str,
    booked_on: date,
    today: date,
    now: datetime,
) -> LedgerEntry:
    """A correction: a new entry of the same kind and category that takes back what is left
    of entry `seq`, with a reason. The original stays as it was."""
    await check_serves(session, actor, courtyard_id, BOOKERS)
    reason = _text(reason, "reason", MAX_REASON)
    if not reason:
        raise ReasonRequired()
    if booked_on > today:
        raise FutureDate(date=booked_on.isoformat())
    book_row = await chain.lock_book(session, courtyard_id)
    original = await entry_by_seq(session, courtyard_id, seq)
    if original.reverses_entry_id is not None:
        raise CannotReverse(ref=ref(seq))
    if not await is_counted(session, original.id):
        raise CannotReverse(ref=ref(seq))
    left = original.amount_fen - await reversed_fen(session, original.id)
    if left <= 0:
        raise AlreadyReversed(ref=ref(seq))
    entry = await chain.append(
        session,
        book_row,
        Content(
            courtyard_id=courtyard_id,
            seq=0,
            kind=original.kind,
            category=original.category,
            amount_fen=left,
            booked_on=booked_on,
            counterparty=original.counterparty,
            description=original.description,
            source=EntrySource.MANUAL,
            entered_by=actor.user_id if actor else None,
            created_at=now,
            reverses_entry_id=original.id,
            reason=reason,
            links=(Link(LinkKind.ENTRY, original.id),),
        ),
    )
    _event(session, actor, entry, now, "ledger_entry_reversed", "counted", reverses=original.seq)
    return entry


async def decide(
    session: AsyncSession,
    actor: Actor,
    courtyard_id: int,
    seq: int,
    *,
    approve: bool,
    now: datetime,
    note: str = "",
    policy: Policy | None = None,
) -> LedgerApproval:
    """An admin approves (or rejects) a large expense booked by someone else."""
    courtyard = await check_serves(session, actor, courtyard_id, APPROVERS)
    await chain.lock_book(session, courtyard_id)  # one decision at a time per courtyard
    entry = await entry_by_seq(session, courtyard_id, seq)
    if not entry.needs_approval:
        raise NoApprovalNeeded(ref=ref(seq))
    if await session.scalar(select(LedgerApproval.id).where(LedgerApproval.entry_id == entry.id)):
        raise AlreadyDecided(ref=ref(seq))
    if entry.entered_by == actor.user_id:
        raise OwnExpense(ref=ref(seq))
    decision = Decision.APPROVED if approve else Decision.REJECTED
    note = _text(note, "note", MAX_REASON)
    approval = LedgerApproval(
        entry_id=entry.id,
        courtyard_id=courtyard_id,
        decision=decision,
        decided_by=actor.user_id,
        decided_at=now,
        note=note,
        hash=chain.approval_hash(entry.hash, entry.id, decision.value, actor.user_id, now, note),
    )
    session.add(approval)
    await session.flush()
    _event(session, actor, entry, now, "ledger_expense_decided", decision.value)
    await notify.decided(
        session,
        actor,
        entry,
        courtyard=courtyard.name,
        approved=approve,
        note=note,
        now=now,
        policy=policy,
    )
    return approval


async def set_threshold(
    session: AsyncSession, actor: Actor | None, courtyard_id: int, amount_fen: int
) -> None:
    """Expenses above this amount need an admin's approval (from the next booking on)."""
    await check_serves(session, actor, courtyard_id, APPROVERS)
    if amount_fen <= 0:
        raise BadAmount(text=money.yuan(amount_fen))
    book_row = await chain.lock_book(session, courtyard_id)
    book_row.approval_threshold_fen = amount_fen
    await session.flush()
