"""Verifying a courtyard's chain: every entry recomputed from seq 1, a batch at a time, and
the first one that does not match named; then the approvals, the book's head and the heads
printed in published months.

Speed: the store assembles each line's canonical text in SQL (`_ASSEMBLED`), so Python only
hashes it; a line whose hash does not match is recomputed from its raw row by `canonical_text`,
which writes byte for byte what `chain.Content.canonical` writes (json.dumps with sorted keys,
strings escaped by the C encoder json uses), before it is called broken. So the SQL's quoting
can only cost time, never a false alarm. tests/services/test_ledger_chain.py holds
`canonical_text` to `Content.canonical`, and verifies lines with awkward text on both stores."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) escapes with
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models import LedgerBook, LedgerDisclosure, LedgerEntry
from models.ledger import GENESIS
from services.ledger.chain import VERSION, approval_hash

BATCH = 20_000  # entries read per query

_SELECT = """
SELECT id, seq, kind, category, amount_fen, {booked_on}, counterparty, description, source,
       entered_by, {created_at}, reverses_entry_id, reason, needs_approval, dedupe_key,
       prev_hash, hash
FROM ledger_entries
WHERE courtyard_id = :courtyard AND seq >= :seq
ORDER BY seq
LIMIT :batch
"""
_TEXT = {
    # SQLite keeps dates as 'YYYY-MM-DD' and times (UTC) as 'YYYY-MM-DD HH:MM:SS.ffffff'
    "sqlite": {"booked_on": "booked_on", "created_at": "replace(created_at, ' ', 'T') || 'Z'"},
    "postgresql": {
        "booked_on": "to_char(booked_on, 'YYYY-MM-DD')",
        "created_at": "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
    },
}
# The store writes each line's canonical text itself (links and evidence as [], filled in
# here for the few lines that have them); its JSON quoting (SQLite json_quote, PostgreSQL
# to_json) escapes like Python's for all but odd control characters, and a line whose hash does
# not match is recomputed from its raw row (`canonical_text`) before it is called broken.
_ASSEMBLED = """
SELECT id, seq, prev_hash, hash,
  '{{"amount_fen":' || amount_fen || ',"booked_on":"' || {booked_on} || '","category":"'
  || category || '","counterparty":' || {quote_counterparty} || ',"courtyard_id":'
  || courtyard_id || ',"created_at":"' || {created_at} || '","dedupe_key":'
  || {quote_dedupe} || ',"description":' || {quote_description} || ',"entered_by":'
  || COALESCE(CAST(entered_by AS TEXT), 'null') || ',"evidence":[],"kind":"' || kind
  || '","links":[],"needs_approval":' || CASE WHEN needs_approval THEN 'true' ELSE 'false' END
  || ',"reason":' || {quote_reason} || ',"reverses_entry_id":'
  || COALESCE(CAST(reverses_entry_id AS TEXT), 'null') || ',"seq":' || seq || ',"source":"'
  || source || '","v":' || {version} || '}}'
FROM ledger_entries
WHERE courtyard_id = :courtyard AND seq >= :seq
ORDER BY seq
LIMIT :batch
"""
_QUOTE = {
    "sqlite": "json_quote({})",  # json_quote(NULL) is 'null'
    "postgresql": "COALESCE(to_json({})::text, 'null')",
}


def _assembled(dialect: str) -> str:
    quote = _QUOTE.get(dialect, _QUOTE["sqlite"])
    return _ASSEMBLED.format(
        **_TEXT.get(dialect, _TEXT["sqlite"]),
        version=VERSION,
        quote_counterparty=quote.format("counterparty"),
        quote_dedupe=quote.format("dedupe_key"),
        quote_description=quote.format("description"),
        quote_reason=quote.format("reason"),
    )


_PARTS = """
SELECT p.entry_id, p.kind, {target}
FROM {table} p JOIN ledger_entries e ON e.id = p.entry_id
WHERE e.courtyard_id = :courtyard AND e.seq >= :low AND e.seq <= :high
"""
_APPROVALS = """
SELECT a.entry_id, a.decision, a.decided_by, a.decided_at, a.note, a.hash, e.seq, e.hash
FROM ledger_approvals a JOIN ledger_entries e ON e.id = a.entry_id
WHERE e.courtyard_id = :courtyard AND e.seq >= :low AND e.seq <= :high
"""


def _pairs(pairs: list[list[Any]] | None) -> str:
    if not pairs:
        return "[]"
    return json.dumps(sorted(pairs), ensure_ascii=False, separators=(",", ":"))


def canonical_text(
    row: Sequence[Any], courtyard_id: int, links: str = "[]", evidence: str = "[]"
) -> str:
    """The canonical content of a raw entry row (as `_SELECT` reads it), keys in sorted order;
    `links` and `evidence` already as canonical JSON arrays."""
    (_id, seq, kind, category, amount, booked_on, counterparty, description, source,
     entered_by, created_at, reverses, reason, needs, dedupe, _prev, _hash) = row  # fmt: skip
    return (
        f'{{"amount_fen":{amount},"booked_on":"{booked_on}","category":"{category}",'
        f'"counterparty":{encode_basestring(counterparty)},"courtyard_id":{courtyard_id},'
        f'"created_at":"{created_at}",'
        f'"dedupe_key":{"null" if dedupe is None else encode_basestring(dedupe)},'
        f'"description":{encode_basestring(description)},'
        f'"entered_by":{"null" if entered_by is None else entered_by},'
        f'"evidence":{evidence},"kind":"{kind}","links":{links},'
        f'"needs_approval":{"true" if needs else "false"},'
        f'"reason":{"null" if reason is None else encode_basestring(reason)},'
        f'"reverses_entry_id":{"null" if reverses is None else reverses},"seq":{seq},'
        f'"source":"{source}","v":{VERSION}}}'
    )


@dataclass(frozen=True)
class Verdict:
    """A courtyard's chain checked: `broken_seq` names the first entry that does not match
    (None when the whole chain holds); `problem` says how."""

    courtyard_id: int
    entries: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    broken_entry_id: int | None = None
    problem: str | None = None  # hash, prev_hash, gap, head, approval, disclosure
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and self.problem is None


async def _parts(
    session: AsyncSession, courtyard_id: int, low: int, high: int
) -> tuple[dict[int, str], dict[int, str], list[Any]]:
    """The links and evidence (as canonical JSON per entry id) and the approvals of the
    courtyard's entries with seq in [low, high]."""
    where = {"courtyard": courtyard_id, "low": low, "high": high}
    found: list[dict[int, list[list[Any]]]] = []
    for table, target in (
        ("ledger_links", "COALESCE(p.payment_id, p.ticket_id, p.linked_entry_id)"),
        ("ledger_evidence", "p.file_id"),
    ):
        grouped: dict[int, list[list[Any]]] = {}
        for entry_id, kind, value in await session.execute(
            text(_PARTS.format(table=table, target=target)), where
        ):
            grouped.setdefault(int(entry_id), []).append([kind, value])
        found.append(grouped)
    approvals = list(await session.execute(text(_APPROVALS), where))
    links = {k: _pairs(v) for k, v in found[0].items()}
    evidence = {k: _pairs(v) for k, v in found[1].items()}
    return links, evidence, approvals


async def _recomputed(
    session: AsyncSession, dialect: str, courtyard_id: int, seq: int, links: str, evidence: str
) -> str:
    """The hash of one line recomputed from its raw row by `canonical_text` (Python's JSON)."""
    query = text(_SELECT.format(**_TEXT.get(dialect, _TEXT["sqlite"])))
    row = (await session.execute(query, {"courtyard": courtyard_id, "seq": seq, "batch": 1})).one()
    content = canonical_text(row, courtyard_id, links, evidence)
    return hashlib.sha256((row[15] + content).encode()).hexdigest()


async def verify(session: AsyncSession, courtyard_id: int, *, batch: int = BATCH) -> Verdict:
    """Recompute the courtyard's chain from seq 1 and stop at the first entry that does not
    match; then the approvals, the book's head and the published heads."""
    dialect = session.get_bind().dialect.name
    query = text(_assembled(dialect))
    expected_prev, expected_seq, count, last_seq = GENESIS, 1, 0, 0
    bad_approval: tuple[int, int] | None = None
    sha256 = hashlib.sha256

    def broken(seq: int, entry_id: int | None, problem: str, **details: Any) -> Verdict:
        return Verdict(
            courtyard_id, count, last_seq, expected_prev, seq, entry_id, problem, details
        )

    while True:
        rows = (
            await session.execute(
                query, {"courtyard": courtyard_id, "seq": expected_seq, "batch": batch}
            )
        ).all()
        if not rows:
            break
        links, evidence, approvals = await _parts(
            session, courtyard_id, int(rows[0][1]), int(rows[-1][1])
        )
        for entry_id, seq, prev, stored, content in rows:
            if seq != expected_seq:
                return broken(expected_seq, None, "gap", found_seq=seq)
            if prev != expected_prev:
                return broken(seq, entry_id, "prev_hash")
            linked, proof = links.get(entry_id, "[]"), evidence.get(entry_id, "[]")
            if linked != "[]":  # the key, unquoted, appears once: text values are escaped
                content = content.replace('"links":[]', '"links":' + linked, 1)
            if proof != "[]":
                content = content.replace('"evidence":[]', '"evidence":' + proof, 1)
            if sha256((prev + content).encode()).hexdigest() != stored and (
                await _recomputed(session, dialect, courtyard_id, seq, linked, proof) != stored
            ):
                return broken(seq, entry_id, "hash")
            expected_prev, expected_seq, last_seq = stored, seq + 1, seq
            count += 1
        for entry_id, decision, by, at, note, stored, seq, entry_hash in approvals:
            decided_at = at if not isinstance(at, str) else _sqlite_instant(at)
            matches = approval_hash(entry_hash, entry_id, str(decision), by, decided_at, note)
            if matches != stored and (bad_approval is None or seq < bad_approval[0]):
                bad_approval = (int(seq), int(entry_id))
        if len(rows) < batch:
            break
    if bad_approval is not None:
        return broken(bad_approval[0], bad_approval[1], "approval")
    book = await session.get(LedgerBook, courtyard_id)
    if book is not None and (book.last_seq, book.last_hash) != (last_seq, expected_prev):
        return broken(last_seq + 1, None, "head", book_seq=book.last_seq)
    for head_seq, head_hash, month, version in await session.execute(
        select(
            LedgerDisclosure.head_seq,
            LedgerDisclosure.head_hash,
            LedgerDisclosure.month,
            LedgerDisclosure.version,
        ).where(LedgerDisclosure.courtyard_id == courtyard_id)
    ):
        found = await session.scalar(
            select(LedgerEntry.hash).where(
                LedgerEntry.courtyard_id == courtyard_id, LedgerEntry.seq == head_seq
            )
        )
        if head_seq and found != head_hash:
            return broken(int(head_seq), None, "disclosure", month=month, version=version)
    return Verdict(courtyard_id, count, last_seq, expected_prev)


def _sqlite_instant(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)
