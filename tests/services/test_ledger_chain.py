"""The chain: each entry hashes the previous hash with its canonical content; verification
recomputes it and names the first entry that does not match; the database refuses UPDATE and
DELETE on ledger rows (migrated store, and a schema built from the models)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from ledger_data import FINANCE_ID, book, draft, ledger_people
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from yards import ActorOf

from models import Base, Category, EntryKind, EvidenceKind, LedgerEntry
from models.db import create_engine, transaction
from models.ledger import GENESIS
from services.clock import FixedClock
from services.ledger import booking, chain, verification

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture
async def people(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, yard: dict[str, Any]
) -> None:
    await ledger_people(sessions, clock(), yard)


async def book_some(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    courtyard_id: int,
    count: int,
) -> None:
    finance = await actor_of(FINANCE_ID)
    for n in range(count):
        kind = EntryKind.INCOME if n % 2 else EntryKind.EXPENSE
        category = Category.OTHER_INCOME if n % 2 else Category.CLEANING
        await book(
            sessions,
            finance,
            courtyard_id,
            draft(
                kind,
                category,
                1000 + n,
                date(2026, 11, 1 + n % 20),
                f"第{n}笔",
                evidence=(chain.Evidence(EvidenceKind.PHOTO, f"invoice-{n}"),),
            ),
            clock.advance(minutes=1),
        )


def test_canonical_content_is_documented_json_and_money_stays_an_integer() -> None:
    content = chain.Content(
        courtyard_id=3,
        seq=1,
        kind=EntryKind.EXPENSE,
        category=Category.LIFTS,
        amount_fen=128000,
        booked_on=date(2026, 11, 5),
        counterparty="郑州某电梯公司",
        description="2号电梯年检",
        source=chain.EntrySource.MANUAL,
        entered_by=7,
        created_at=datetime(2026, 11, 5, 2, 0, tzinfo=UTC),
    )
    raw = content.canonical()
    assert raw.decode("utf-8").startswith('{"amount_fen":128000,"booked_on":"2026-11-05",')
    assert "郑州某电梯公司" in raw.decode("utf-8")  # UTF-8, not \u escapes
    assert json.loads(raw)["created_at"] == "2026-11-05T02:00:00.000000Z"
    expected = hashlib.sha256(GENESIS.encode() + raw).hexdigest()
    assert chain.entry_hash(GENESIS, content) == expected
    with pytest.raises(TypeError):
        chain.Content(**{**content.__dict__, "amount_fen": 1280.0}).canonical()


async def test_entries_chain_and_the_chain_verifies(
    monkeypatch: pytest.MonkeyPatch,
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    await book_some(sessions, actor_of, clock, yard["id"], 5)
    recomputed: list[int] = []
    slow_path = verification._recomputed

    async def counted(*args: Any) -> str:
        recomputed.append(args[3])
        return await slow_path(*args)

    monkeypatch.setattr(verification, "_recomputed", counted)
    async with sessions() as session:
        rows = list(
            await session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.courtyard_id == yard["id"])
                .order_by(LedgerEntry.seq)
            )
        )
        verdict = await verification.verify(session, yard["id"], batch=2)  # several batches
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(rows))
    assert verdict.ok
    assert (verdict.entries, verdict.head_seq, verdict.head_hash) == (5, 5, rows[-1].hash)
    assert recomputed == []  # the store's own canonical text matched every line


async def _sql(sessions: async_sessionmaker[AsyncSession], statement: str) -> None:
    async with transaction(sessions) as session:
        await session.execute(text(statement))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET amount_fen = 1 WHERE seq = 2",
        "DELETE FROM ledger_entries WHERE seq = 3",
        "UPDATE ledger_evidence SET file_id = 'x'",
    ],
)
async def test_the_database_refuses_update_and_delete(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
    statement: str,
) -> None:
    await book_some(sessions, actor_of, clock, yard["id"], 3)
    with pytest.raises((DBAPIError, IntegrityError)) as refused:
        await _sql(sessions, statement)
    assert "append-only" in str(refused.value)
    async with sessions() as session:
        assert (await verification.verify(session, yard["id"])).ok


async def test_a_line_changed_behind_the_applications_back_is_found_at_that_entry(
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    await book_some(sessions, actor_of, clock, yard["id"], 6)
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        await _sql(
            sessions, "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only"
        )
    else:
        await _sql(sessions, "DROP TRIGGER ledger_entries_no_update")
    try:
        await _sql(sessions, "UPDATE ledger_entries SET amount_fen = amount_fen - 1 WHERE seq = 4")
    finally:
        if postgres:
            await _sql(
                sessions, "ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only"
            )
    async with sessions() as session:
        verdict = await verification.verify(session, yard["id"], batch=4)
        entry_id = await session.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.courtyard_id == yard["id"], LedgerEntry.seq == 4
            )
        )
    assert not verdict.ok
    assert (verdict.broken_seq, verdict.broken_entry_id, verdict.problem) == (4, entry_id, "hash")


async def test_concurrent_appends_never_fork_the_chain(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> None:
    finance = await actor_of(FINANCE_ID)
    await asyncio.gather(
        *(
            book(
                sessions,
                finance,
                yard["id"],
                draft(EntryKind.INCOME, Category.OTHER_INCOME, 100 + n, date(2026, 11, 2)),
                clock() + timedelta(seconds=n),
            )
            for n in range(6)
        )
    )
    async with sessions() as session:
        verdict = await verification.verify(session, yard["id"])
    assert verdict.ok
    assert verdict.entries == 6


async def test_a_schema_built_from_the_models_refuses_changes_too(
    database_url: str, engine: AsyncEngine
) -> None:
    """Triggers come with `create_all` as well (DDL events on the tables)."""
    if engine.dialect.name == "postgresql":
        fresh = create_engine(database_url)
        async with fresh.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS ledger_create_all CASCADE"))
            await conn.execute(text("CREATE SCHEMA ledger_create_all"))
            await conn.execute(text("SET search_path TO ledger_create_all"))
            await conn.run_sync(Base.metadata.create_all)
    else:
        fresh = create_engine("sqlite+aiosqlite://")
        async with fresh.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    try:
        async with fresh.connect() as conn:
            if engine.dialect.name == "postgresql":
                await conn.execute(text("SET search_path TO ledger_create_all"))
            await conn.execute(
                text(
                    "INSERT INTO courtyards (id, name, code, governance, invite_code, created_at)"
                    " VALUES (1, 'x', 'X', 'service_center', 'i', CURRENT_TIMESTAMP)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO ledger_entries (courtyard_id, seq, kind, category, amount_fen,"
                    " booked_on, counterparty, description, source, created_at, needs_approval,"
                    " prev_hash, hash) VALUES (1, 1, 'income', 'other_income', 5, '2026-11-01',"
                    " '', 'x', 'manual', CURRENT_TIMESTAMP, false, 'p', 'h')"
                )
            )
            for statement in (
                "UPDATE ledger_entries SET amount_fen = 6",
                "DELETE FROM ledger_entries",
            ):
                with pytest.raises(DBAPIError) as refused:
                    async with conn.begin_nested():
                        await conn.execute(text(statement))
                assert "append-only" in str(refused.value)
            await conn.rollback()
    finally:
        if engine.dialect.name == "postgresql":
            async with fresh.begin() as conn:
                await conn.execute(text("DROP SCHEMA ledger_create_all CASCADE"))
        await fresh.dispose()


@pytest.mark.parametrize(
    "words",
    [
        '引号"和\\反斜杠',
        "换行\n制表\t回车\r",
        "控制字符\x01\x1f",
        "emoji 🧾 and ‘quotes’",
        "</b>&<",
    ],
)
async def test_the_fast_verification_reads_what_the_canonical_content_wrote(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
    words: str,
) -> None:
    """Verification assembles each canonical content itself, from raw rows: byte for byte what
    `Content.canonical` (json.dumps, sorted keys) wrote, whatever the text holds."""
    finance = await actor_of(FINANCE_ID)
    first = await book(
        sessions,
        finance,
        yard["id"],
        draft(
            EntryKind.EXPENSE,
            Category.REPAIRS,
            12_345,
            date(2026, 11, 3),
            words,
            counterparty=words[:20],
            evidence=(
                chain.Evidence(EvidenceKind.DOCUMENT, f"doc-{words[:3]}"),
                chain.Evidence(EvidenceKind.PHOTO, "AgAC-photo"),
            ),
        ),
        clock.advance(microseconds=123457),
    )
    async with transaction(sessions) as session:
        await booking.reverse(
            session,
            finance,
            yard["id"],
            first.seq,
            reason=words,
            booked_on=date(2026, 11, 4),
            today=date(2026, 11, 28),
            now=clock.advance(seconds=1),
        )
    async with sessions() as session:
        verdict = await verification.verify(session, yard["id"])
    assert verdict.ok, verdict
    assert verdict.entries == 2


def test_the_canonical_text_of_a_raw_row_equals_the_documented_json() -> None:
    content = chain.Content(
        courtyard_id=9,
        seq=12,
        kind=EntryKind.INCOME,
        category=Category.PROPERTY_FEES,
        amount_fen=7_385,
        booked_on=date(2026, 11, 25),
        counterparty='现金 "cash"',
        description="WSL-R000001…WSL-R000002 (2)\n",
        source=chain.EntrySource.FEES,
        entered_by=None,
        created_at=datetime(2026, 11, 26, 16, 30, 0, 5, tzinfo=UTC),
        reverses_entry_id=3,
        reason="转账退回\\",
        needs_approval=False,
        dedupe_key="fees:9:2026-11-25:cash:17",
        links=(chain.Link(chain.LinkKind.PAYMENT, 18), chain.Link(chain.LinkKind.PAYMENT, 17)),
    )
    row = (
        1, 12, "income", "property_fees", 7_385, "2026-11-25", '现金 "cash"',
        "WSL-R000001…WSL-R000002 (2)\n", "fees", None, "2026-11-26T16:30:00.000005Z", 3,
        "转账退回\\", 0, "fees:9:2026-11-25:cash:17", GENESIS, "",
    )  # fmt: skip
    links = verification._pairs([["payment", 18], ["payment", 17]])
    assert verification.canonical_text(row, 9, links).encode() == content.canonical()
