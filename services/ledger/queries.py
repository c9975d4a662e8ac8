"""What the ledger screens read: the courtyards someone may see, a book's overview (head,
waiting approvals, published months, questions) and a page of a published month's lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import EvidenceKind, LedgerEntry, LedgerEvidence, User
from services import courtyards
from services.access import Actor, Role
from services.courtyards import CourtyardInfo
from services.ledger import chain, disclosure, questions
from services.ledger.booking import READERS, check_serves, waiting
from services.ledger.messages import LineFacts
from services.ledger.notify import facts

LINES_PER_PAGE = 8


async def courtyards_of(
    session: AsyncSession, actor: Actor, roles: Iterable[Role]
) -> list[CourtyardInfo]:
    return await courtyards.courtyards_for(session, actor.courtyards_as(roles))


@dataclass(frozen=True)
class Waiting:
    line: LineFacts
    entry_id: int
    booked_by: str
    own: bool  # booked by the one looking: they may not decide it


@dataclass(frozen=True)
class Overview:
    courtyard_id: int
    courtyard: str
    entries: int
    head_seq: int
    fingerprint: str
    waiting: list[Waiting]
    months: list[disclosure.Published]
    questions: list[questions.QuestionInfo]


async def overview(session: AsyncSession, actor: Actor, courtyard_id: int) -> Overview:
    courtyard = await check_serves(session, actor, courtyard_id, READERS)
    head_seq, head_hash = await chain.head(session, courtyard_id)
    rows = await session.execute(
        select(LedgerEntry, User.name)
        .outerjoin(User, User.id == LedgerEntry.entered_by)
        .where(LedgerEntry.courtyard_id == courtyard_id, waiting())
        .order_by(LedgerEntry.seq)
    )
    pending = [
        Waiting(facts(entry), entry.id, name or "", entry.entered_by == actor.user_id)
        for entry, name in rows
    ]
    return Overview(
        courtyard_id,
        courtyard.name,
        await chain.count(session, courtyard_id),
        head_seq,
        chain.short(head_hash),
        pending,
        await disclosure.months(session, actor, courtyard_id),
        await questions.listing(session, actor, courtyard_id, limit=5),
    )


@dataclass(frozen=True)
class LinePage:
    disclosure: disclosure.Published
    lines: list[LineFacts]
    page: int
    pages: int


async def published_lines(
    session: AsyncSession, actor: Actor, disclosure_id: int, page: int
) -> LinePage:
    """A page of the lines a published month counted (for ❓ buttons)."""
    published = await disclosure.one(session, actor, disclosure_id)
    seqs = sorted(published.figures.get("seqs", []))
    pages = max(1, -(-len(seqs) // LINES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    wanted = seqs[page * LINES_PER_PAGE : (page + 1) * LINES_PER_PAGE]
    shown = []
    for entry in await _entries(session, published.courtyard_id, wanted):
        line = facts(entry)
        if entry.reverses_entry_id is not None:  # a reversal counts negative in its kind
            line = line.model_copy(update={"amount_fen": -line.amount_fen})
        shown.append(line)
    return LinePage(published, shown, page, pages)


async def _entries(session: AsyncSession, courtyard_id: int, seqs: list[int]) -> list[LedgerEntry]:
    return list(
        await session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.courtyard_id == courtyard_id, LedgerEntry.seq.in_(seqs))
            .order_by(LedgerEntry.seq)
        )
    )


async def evidence(
    session: AsyncSession, actor: Actor, courtyard_id: int, seq: int
) -> list[tuple[EvidenceKind, str]]:
    """The photos and files kept for an entry (Telegram file ids), for staff and supervisors."""
    await check_serves(session, actor, courtyard_id, READERS)
    rows = await session.execute(
        select(LedgerEvidence.kind, LedgerEvidence.file_id)
        .join(LedgerEntry, LedgerEntry.id == LedgerEvidence.entry_id)
        .where(LedgerEntry.courtyard_id == courtyard_id, LedgerEntry.seq == seq)
        .order_by(LedgerEvidence.id)
    )
    return [(EvidenceKind(kind), str(file_id)) for kind, file_id in rows]
