"""Publishing a month (公示): its figures frozen on a versioned row, with the chain's head, and
sent to the courtyard's residents' groups as a picture and two files. A later correction
publishes the next version, saying what changed. A month with expenses still waiting for
approval is refused. Members read published months (and ask about lines) in the chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import GroupKind, LedgerDisclosure
from services import audiences, events, outbox
from services.access import Actor, Role
from services.errors import NotFound
from services.fees import periods
from services.ledger import chain, messages, report
from services.ledger.booking import BOOKERS, READERS, check_serves, entry_by_seq
from services.ledger.errors import (
    MonthNotOver,
    NothingChanged,
    NotPublished,
    UnapprovedExpenses,
)
from services.ledger.notify import facts
from services.policy import Policy

QUESTION_DAYS = 15  # residents may ask about a published month for this many days
PARTS: tuple[messages.Part, ...] = ("summary", "xlsx", "pdf")


@dataclass(frozen=True)
class Published:
    id: int
    courtyard_id: int
    courtyard: str
    month: str
    version: int
    figures: dict[str, Any]
    changes: dict[str, Any]
    head_seq: int
    head_hash: str
    questions_until: date
    published_at: datetime

    @property
    def fingerprint(self) -> str:
        return chain.short(self.head_hash)


def _published(row: LedgerDisclosure, courtyard: str) -> Published:
    return Published(
        row.id,
        row.courtyard_id,
        courtyard,
        row.month,
        row.version,
        dict(row.figures),
        dict(row.changes),
        row.head_seq,
        row.head_hash,
        row.questions_until,
        row.published_at,
    )


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """What a new version changes against the last: figures per category (before, after),
    the lines that came in and those no longer counted."""
    if before is None:
        return {}
    moved: list[list[Any]] = []
    for kind in ("income", "expense"):
        for category, value in after[kind].items():
            old = int(before[kind].get(category, 0))
            if old != int(value):
                moved.append([kind, category, old, int(value)])
    old_seqs, new_seqs = set(before.get("seqs", [])), set(after.get("seqs", []))
    return {
        "categories": moved,
        "added": sorted(new_seqs - old_seqs),
        "removed": sorted(old_seqs - new_seqs),
        "balance": [int(before["balance_fen"]), int(after["balance_fen"])],
        "closing": [int(before["closing_fen"]), int(after["closing_fen"])],
    }


async def latest(session: AsyncSession, courtyard_id: int, month: str) -> LedgerDisclosure | None:
    row: LedgerDisclosure | None = await session.scalar(
        select(LedgerDisclosure)
        .where(LedgerDisclosure.courtyard_id == courtyard_id, LedgerDisclosure.month == month)
        .order_by(LedgerDisclosure.version.desc())
        .limit(1)
    )
    return row


async def publish(
    session: AsyncSession,
    actor: Actor | None,
    courtyard_id: int,
    month: str,
    *,
    today: date,
    now: datetime,
    policy: Policy | None = None,
) -> Published:
    """`policy`: the groups get it after the quiet hours."""
    courtyard = await check_serves(session, actor, courtyard_id, BOOKERS)
    month = report.parse_month(month)
    if periods.first_day(month) > today:
        raise MonthNotOver(month=month)
    await chain.lock_book(session, courtyard_id)  # nothing is booked while we count
    figures = await report.month_figures(session, courtyard_id, month)
    if figures.waiting:
        raise UnapprovedExpenses(month=month, count=figures.waiting)
    stored = figures.stored()
    before = await latest(session, courtyard_id, month)
    if before is not None and before.figures == stored:
        raise NothingChanged(month=month, version=before.version)
    head_seq, head_hash = await chain.head(session, courtyard_id)
    row = LedgerDisclosure(
        courtyard_id=courtyard_id,
        month=month,
        version=1 if before is None else before.version + 1,
        figures=stored,
        changes=changes(before.figures if before else None, stored),
        head_seq=head_seq,
        head_hash=head_hash,
        questions_until=today + timedelta(days=QUESTION_DAYS),
        published_by=actor.user_id if actor else None,
        published_at=now,
    )
    session.add(row)
    await session.flush()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="ledger_disclosure",
        subject_id=row.id,
        action="ledger_month_published",
        courtyard_id=courtyard_id,
        to_state=f"v{row.version}",
        data={"month": month, "head_seq": head_seq, "head_hash": head_hash},
    )
    published = _published(row, courtyard.name)
    await send_to_groups(session, published, now, policy)
    return published


async def payload(
    session: AsyncSession, published: Published, part: messages.Part
) -> messages.LedgerDisclosure:
    lines = []
    if part != "summary":
        counted = set(published.figures.get("seqs", []))
        lines = [
            messages.LineFacts(
                seq=line.seq,
                booked_on=line.booked_on,
                kind=line.kind.value,
                category=line.category.value,
                amount_fen=line.amount_fen,
                counterparty=line.counterparty,
                description=line.description,
                source=line.source.value,
            )
            for line in await report.month_lines(session, published.courtyard_id, published.month)
            if line.seq in counted
        ]
    return messages.LedgerDisclosure(
        part=part,
        disclosure_id=published.id,
        courtyard_id=published.courtyard_id,
        courtyard=published.courtyard,
        month=published.month,
        version=published.version,
        figures=published.figures,
        changes=published.changes,
        head_seq=published.head_seq,
        fingerprint=published.fingerprint,
        questions_until=published.questions_until,
        lines=lines,
    )


async def send_to_groups(
    session: AsyncSession, published: Published, now: datetime, policy: Policy | None = None
) -> int:
    groups = await audiences.group_chats(session, published.courtyard_id, GroupKind.RESIDENTS)
    written = 0
    for part in PARTS:
        prefix = f"ledger-disclosure:{published.id}:{part}"
        written += await outbox.enqueue_many(
            session,
            await payload(session, published, part),
            groups,
            dedupe_key=lambda r, prefix=prefix: f"{prefix}:{r.key}",  # type: ignore[misc]
            now=now,
            quiet=policy.quiet_for(messages.LedgerDisclosure.kind) if policy else None,
        )
    return written


async def months(session: AsyncSession, actor: Actor, courtyard_id: int) -> list[Published]:
    """The newest version of each published month, newest month first (members and staff)."""
    courtyard = await check_serves(session, actor, courtyard_id, (Role.RESIDENT, *READERS))
    newest = (
        select(LedgerDisclosure.month, func.max(LedgerDisclosure.version).label("version"))
        .where(LedgerDisclosure.courtyard_id == courtyard_id)
        .group_by(LedgerDisclosure.month)
        .subquery()
    )
    rows = await session.scalars(
        select(LedgerDisclosure)
        .join(
            newest,
            (newest.c.month == LedgerDisclosure.month)
            & (newest.c.version == LedgerDisclosure.version),
        )
        .where(LedgerDisclosure.courtyard_id == courtyard_id)
        .order_by(LedgerDisclosure.month.desc())
    )
    return [_published(r, courtyard.name) for r in rows]


async def one(session: AsyncSession, actor: Actor, disclosure_id: int) -> Published:
    row = await session.get(LedgerDisclosure, disclosure_id)
    if row is None:
        raise NotFound()
    courtyard = await check_serves(session, actor, row.courtyard_id, (Role.RESIDENT, *READERS))
    return _published(row, courtyard.name)


async def published_line(
    session: AsyncSession, actor: Actor, disclosure_id: int, seq: int
) -> messages.LineFacts:
    """A line of a published month, as a member may see it."""
    published = await one(session, actor, disclosure_id)
    if seq not in set(published.figures.get("seqs", [])):
        raise NotPublished()
    return facts(await entry_by_seq(session, published.courtyard_id, seq))


async def month_for_export(
    session: AsyncSession, actor: Actor | None, courtyard_id: int, month: str, *, now: datetime
) -> messages.LedgerDisclosure:
    """A month's figures and counted lines for a file: the newest published version if the
    month is published and unchanged since, else the figures as they are now (version 0)."""
    courtyard = await check_serves(session, actor, courtyard_id, READERS)
    month = report.parse_month(month)
    figures = (await report.month_figures(session, courtyard_id, month)).stored()
    row = await latest(session, courtyard_id, month)
    if row is not None and row.figures == figures:
        published = _published(row, courtyard.name)
    else:
        head_seq, head_hash = await chain.head(session, courtyard_id)
        published = Published(
            0,
            courtyard_id,
            courtyard.name,
            month,
            0,
            figures,
            {},
            head_seq,
            head_hash,
            now.date(),
            now,
        )
    return await payload(session, published, "xlsx")
