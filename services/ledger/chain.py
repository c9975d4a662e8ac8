"""The hash chain of a courtyard's ledger: canonical content, appending under the book's lock,
and verification.

Canonical content of an entry (version 1) is the UTF-8 JSON of this object, keys sorted, no
spaces (`separators=(",", ":")`), non-ASCII kept as is (`ensure_ascii=False`), no floats:

    {"v": 1, "courtyard_id": int, "seq": int, "kind": "income"|"expense", "category": str,
     "amount_fen": int, "booked_on": "YYYY-MM-DD", "counterparty": str, "description": str,
     "source": "manual"|"fees", "entered_by": int|null,
     "created_at": "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC), "reverses_entry_id": int|null,
     "reason": str|null, "needs_approval": bool, "dedupe_key": str|null,
     "links": [[kind, target id], ...] sorted, "evidence": [[kind, file id], ...] sorted}

    hash = hex(SHA-256(prev_hash as ASCII || canonical bytes))

with prev_hash the previous entry's hash (64 zeros for seq 1). An approval's hash is
hex(SHA-256(entry hash || canonical {"v", "entry_id", "decision", "decided_by", "decided_at",
"note"})), so a decision cannot be moved to another entry or changed.

Appending holds the courtyard's book row (`ledger_books`) for the rest of the transaction
(PostgreSQL: SELECT ... FOR UPDATE; SQLite: the write lock taken at BEGIN IMMEDIATE), so two
appends in one courtyard never fork the chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Category,
    EntryKind,
    EntrySource,
    EvidenceKind,
    LedgerBook,
    LedgerEntry,
    LedgerEvidence,
    LedgerLink,
    LinkKind,
)
from models.db import upsert_insert
from models.ledger import GENESIS

VERSION = 1


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


@dataclass(frozen=True)
class Link:
    kind: LinkKind
    target_id: int


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    file_id: str


@dataclass(frozen=True)
class Content:
    """What an entry says: everything its hash covers except the previous hash."""

    courtyard_id: int
    seq: int
    kind: EntryKind
    category: Category
    amount_fen: int
    booked_on: date
    counterparty: str
    description: str
    source: EntrySource
    entered_by: int | None
    created_at: datetime
    reverses_entry_id: int | None = None
    reason: str | None = None
    needs_approval: bool = False
    dedupe_key: str | None = None
    links: tuple[Link, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    def canonical(self) -> bytes:
        if type(self.amount_fen) is not int:  # never a float, nor a bool
            raise TypeError("amount_fen must be an int")
        return _dumps(
            {
                "v": VERSION,
                "courtyard_id": self.courtyard_id,
                "seq": self.seq,
                "kind": self.kind.value,
                "category": self.category.value,
                "amount_fen": self.amount_fen,
                "booked_on": self.booked_on.isoformat(),
                "counterparty": self.counterparty,
                "description": self.description,
                "source": self.source.value,
                "entered_by": self.entered_by,
                "created_at": _instant(self.created_at),
                "reverses_entry_id": self.reverses_entry_id,
                "reason": self.reason,
                "needs_approval": self.needs_approval,
                "dedupe_key": self.dedupe_key,
                "links": sorted([link.kind.value, link.target_id] for link in self.links),
                "evidence": sorted([e.kind.value, e.file_id] for e in self.evidence),
            }
        )


def entry_hash(prev_hash: str, content: Content) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + content.canonical()).hexdigest()


def approval_hash(
    entry_hash_: str, entry_id: int, decision: str, decided_by: int, decided_at: datetime, note: str
) -> str:
    canonical = _dumps(
        {
            "v": VERSION,
            "entry_id": entry_id,
            "decision": decision,
            "decided_by": decided_by,
            "decided_at": _instant(decided_at),
            "note": note,
        }
    )
    return hashlib.sha256(entry_hash_.encode("ascii") + canonical).hexdigest()


def short(hash_: str) -> str:
    """The fingerprint printed in a disclosure: the first 12 hex digits."""
    return hash_[:12]


async def lock_book(session: AsyncSession, courtyard_id: int) -> LedgerBook:
    """The courtyard's book row, created if missing, locked until the transaction ends."""
    await session.execute(
        upsert_insert(session, LedgerBook)
        .values(courtyard_id=courtyard_id)
        .on_conflict_do_nothing(index_elements=["courtyard_id"])
    )
    book = await session.scalar(
        select(LedgerBook)
        .where(LedgerBook.courtyard_id == courtyard_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert book is not None
    return book


async def append(
    session: AsyncSession,
    book: LedgerBook,
    draft: Content,
) -> LedgerEntry:
    """Append `draft` (its seq is ignored) to a book locked by `lock_book`."""
    content = replace(draft, courtyard_id=book.courtyard_id, seq=book.last_seq + 1)
    links, evidence = content.links, content.evidence
    hashed = entry_hash(book.last_hash, content)
    entry = LedgerEntry(
        courtyard_id=content.courtyard_id,
        seq=content.seq,
        kind=content.kind,
        category=content.category,
        amount_fen=content.amount_fen,
        booked_on=content.booked_on,
        counterparty=content.counterparty,
        description=content.description,
        source=content.source,
        entered_by=content.entered_by,
        created_at=content.created_at,
        reverses_entry_id=content.reverses_entry_id,
        reason=content.reason,
        needs_approval=content.needs_approval,
        dedupe_key=content.dedupe_key,
        prev_hash=book.last_hash,
        hash=hashed,
    )
    session.add(entry)
    await session.flush()
    await _insert_parts(session, entry.id, links, evidence)
    await session.execute(
        update(LedgerBook)
        .where(LedgerBook.courtyard_id == book.courtyard_id)
        .values(last_seq=content.seq, last_hash=hashed)
        .execution_options(synchronize_session=False)
    )
    book.last_seq, book.last_hash = content.seq, hashed
    return entry


async def _insert_parts(
    session: AsyncSession, entry_id: int, links: Sequence[Link], evidence: Sequence[Evidence]
) -> None:
    column = {
        LinkKind.PAYMENT: "payment_id",
        LinkKind.PAYMENT_REVERSAL: "payment_id",
        LinkKind.TICKET: "ticket_id",
        LinkKind.ENTRY: "linked_entry_id",
    }
    if links:
        await session.execute(
            insert(LedgerLink),
            [
                {
                    "entry_id": entry_id,
                    "kind": link.kind.value,
                    "payment_id": None,
                    "ticket_id": None,
                    "linked_entry_id": None,
                    column[link.kind]: link.target_id,
                }
                for link in links
            ],
        )
    if evidence:
        await session.execute(
            insert(LedgerEvidence),
            [{"entry_id": entry_id, "kind": e.kind.value, "file_id": e.file_id} for e in evidence],
        )


async def courtyards_with_books(session: AsyncSession) -> list[int]:
    rows = await session.scalars(
        select(LedgerEntry.courtyard_id).group_by(LedgerEntry.courtyard_id)
    )
    found = set(rows) | set(await session.scalars(select(LedgerBook.courtyard_id)))
    return sorted(found)


async def head(session: AsyncSession, courtyard_id: int) -> tuple[int, str]:
    """The chain's last seq and hash as the entries say (0 and the genesis before any)."""
    row = (
        await session.execute(
            select(LedgerEntry.seq, LedgerEntry.hash)
            .where(LedgerEntry.courtyard_id == courtyard_id)
            .order_by(LedgerEntry.seq.desc())
            .limit(1)
        )
    ).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


async def count(session: AsyncSession, courtyard_id: int) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.courtyard_id == courtyard_id)
    )
    return int(found or 0)
