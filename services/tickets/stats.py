"""/stats: for tickets filed in the last 30 days, counts, median time to claim and to
resolve, the share resolved within the deadline and the average rating, by category.

Times to claim and resolve are kept as seconds on the ticket, so all of it is integer SQL,
the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from models import OPEN_STATUSES, Courtyard, Ticket, TicketCategory, TicketStatus
from services.access import Actor, require
from services.errors import NotAllowed
from services.tickets.permissions import STATS_READERS

ALL = "*"


@dataclass(frozen=True)
class Figures:
    category: str  # a TicketCategory value, or '*' for all
    filed: int
    open: int
    resolved: int  # resolved at least once
    cancelled: int
    resolved_in_time: int
    rated: int
    rating_sum: int
    median_claim_seconds: float | None
    median_resolve_seconds: float | None

    @property
    def in_time_share(self) -> float | None:
        return self.resolved_in_time / self.resolved if self.resolved else None

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None


@dataclass(frozen=True)
class Stats:
    courtyard: str | None  # None: all courtyards
    since: datetime
    until: datetime
    total: Figures
    by_category: list[Figures]  # busiest first


async def summary(
    session: AsyncSession, actor: Actor, courtyard_id: int | None, now: datetime, days: int = 30
) -> Stats:
    """One courtyard's figures, or (courtyard_id None) all courtyards' for those who see all."""
    name: str | None = None
    if courtyard_id is None:
        if actor.courtyards_as(STATS_READERS) is not None:
            raise NotAllowed(roles=STATS_READERS)
    else:
        require(actor, STATS_READERS, courtyard_id)
        courtyard = await session.get(Courtyard, courtyard_id)
        assert courtyard is not None
        name = courtyard.name
    since = now - timedelta(days=days)
    where: list[ColumnElement[bool]] = [Ticket.created_at >= since]
    if courtyard_id is not None:
        where.append(Ticket.courtyard_id == courtyard_id)
    counts = await _counts(session, where)
    medians = await _medians(session, where, counts)
    figures = [_figures(category, row, medians) for category, row in counts.items()]
    figures.sort(key=lambda f: (-f.filed, f.category))
    total_row = [sum(row[i] for row in counts.values()) for i in range(8)]
    return Stats(name, since, now, _figures(ALL, total_row, medians), figures)


def _figures(category: str, row: list[int], medians: dict[tuple[str, str], float]) -> Figures:
    filed, open_, resolved, cancelled, in_time, rated, rating_sum, _claimed = row
    return Figures(
        category=category,
        filed=filed,
        open=open_,
        resolved=resolved,
        cancelled=cancelled,
        resolved_in_time=in_time,
        rated=rated,
        rating_sum=rating_sum,
        median_claim_seconds=medians.get(("claim", category)),
        median_resolve_seconds=medians.get(("resolve", category)),
    )


async def _counts(session: AsyncSession, where: list[ColumnElement[bool]]) -> dict[str, list[int]]:
    """Per category: filed, open, resolved, cancelled, in time, rated, rating sum, claimed."""

    def when(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    rows = await session.execute(
        select(
            Ticket.category,
            func.count(),
            when(Ticket.status.in_(OPEN_STATUSES)),
            func.count(Ticket.resolve_seconds),
            when(Ticket.status == TicketStatus.CANCELLED),
            when(Ticket.resolved_in_time.is_(True)),
            func.count(Ticket.rating),
            func.coalesce(func.sum(Ticket.rating), 0),
            func.count(Ticket.claim_seconds),
        )
        .where(*where)
        .group_by(Ticket.category)
    )
    return {cat.value: [int(v or 0) for v in values] for cat, *values in rows.all()}


async def _medians(
    session: AsyncSession, where: list[ColumnElement[bool]], counts: dict[str, list[int]]
) -> dict[tuple[str, str], float]:
    """(metric, category or '*') -> median seconds.

    The counts say where the middle is; each middle value is then read with ORDER BY ...
    LIMIT/OFFSET along an index on (courtyard, [category,] seconds, created_at), so no sort
    and no window function is needed. All of them in one UNION ALL."""
    sizes: dict[tuple[str, str], int] = {}
    for category, row in counts.items():
        sizes[("claim", category)] = row[7]
        sizes[("resolve", category)] = row[2]
    for metric in ("claim", "resolve"):
        sizes[(metric, ALL)] = sum(n for (m, _c), n in sizes.items() if m == metric)
    columns = {"claim": Ticket.claim_seconds, "resolve": Ticket.resolve_seconds}
    parts = []
    for (metric, category), n in sorted(sizes.items()):
        if not n:
            continue
        column = columns[metric]
        middle: Select[Any] = (
            select(
                literal_column(f"'{metric}'").label("metric"),
                literal_column(f"'{category}'").label("category"),
                column.label("value"),
            )
            .where(*where, column.is_not(None))
            .order_by(column)
            .limit(2 - n % 2)
            .offset((n - 1) // 2)
        )
        if category != ALL:
            middle = middle.where(Ticket.category == TicketCategory(category))
        parts.append(select(middle.subquery()))
    if not parts:
        return {}
    rows = await session.execute(union_all(*parts))
    values: dict[tuple[str, str], list[int]] = defaultdict(list)
    for metric, category, value in rows.tuples().all():
        values[(str(metric), str(category))].append(int(value))
    return {key: sum(v) / len(v) for key, v in values.items()}
