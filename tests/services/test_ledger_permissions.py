"""Who may do what with the ledger, for every role: finance of the courtyard and admins book
and publish; admins decide; residents of the courtyard read published months and ask;
finance, grid leaders and admins answer; supervisors read everything and change nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from ledger_data import (
    FINANCE_ID,
    OTHER_FINANCE_ID,
    SECOND_ADMIN_ID,
    SUPERVISOR_ID,
    TODAY,
    book,
    draft,
    ledger_people,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, OTHER_LEADER_ID
from tickets_data import RESIDENT_ID, STRANGER_ID, WORKER_ID
from yards import ActorOf

from models import Category, EntryKind
from models.db import transaction
from services.access import Actor
from services.clock import FixedClock
from services.errors import DomainError, NotAllowed
from services.ledger import booking, disclosure, queries, questions
from services.ledger.errors import (
    AlreadyAnswered,
    NotPublished,
    NotServed,
    QuestionRequired,
)

pytestmark = pytest.mark.usefixtures("people")
ALLOWED = None
_NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # the tests' clock


@pytest.fixture
async def people(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
    folks: Any,
) -> None:
    await ledger_people(sessions, clock(), yard, other_yard)


@pytest.fixture
async def month(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    yard: dict[str, Any],
) -> dict[str, int]:
    """November published with two lines; a third line booked in December after it."""
    finance = await actor_of(FINANCE_ID)
    for fen in (12_800, 30_000):
        await book(
            sessions,
            finance,
            yard["id"],
            draft(EntryKind.EXPENSE, Category.LIFTS, fen, date(2026, 11, 20)),
            clock(),
        )
    async with transaction(sessions) as session:
        published = await disclosure.publish(
            session, finance, yard["id"], "2026-11", today=TODAY, now=clock()
        )
    return {"disclosure": published.id, "courtyard": yard["id"]}


Act = Callable[[AsyncSession, Actor, dict[str, int]], Awaitable[object]]


async def _book(session: AsyncSession, who: Actor, m: dict[str, int]) -> object:
    the_draft = draft(EntryKind.INCOME, Category.OTHER_INCOME, 100, TODAY)
    return await booking.book(session, who, m["courtyard"], the_draft, today=TODAY, now=_NOW)


async def _publish(session: AsyncSession, who: Actor, m: dict[str, int]) -> object:
    return await disclosure.publish(session, who, m["courtyard"], "2026-10", today=TODAY, now=_NOW)


async def _overview(session: AsyncSession, who: Actor, m: dict[str, int]) -> object:
    return await queries.overview(session, who, m["courtyard"])


async def _months(session: AsyncSession, who: Actor, m: dict[str, int]) -> object:
    return await disclosure.months(session, who, m["courtyard"])


async def _ask(session: AsyncSession, who: Actor, m: dict[str, int]) -> object:
    return await questions.ask(session, who, m["disclosure"], 1, "这是什么？", now=_NOW)


async def _threshold(session: AsyncSession, who: Actor, m: dict[str, int]) -> object:
    return await booking.set_threshold(session, who, m["courtyard"], 500_000)


CASES: list[tuple[str, Act, dict[int, type[DomainError] | None]]] = [
    (
        "book",
        _book,
        {
            FINANCE_ID: ALLOWED,
            ADMIN_ID: ALLOWED,
            OTHER_FINANCE_ID: NotServed,
            SUPERVISOR_ID: NotAllowed,
            LEADER_ID: NotAllowed,
            RESIDENT_ID: NotAllowed,
            WORKER_ID: NotAllowed,
        },
    ),
    (
        "publish",
        _publish,
        {
            FINANCE_ID: ALLOWED,
            OTHER_FINANCE_ID: NotServed,
            SUPERVISOR_ID: NotAllowed,
            LEADER_ID: NotAllowed,
            RESIDENT_ID: NotAllowed,
        },
    ),
    (
        "overview",
        _overview,
        {
            SUPERVISOR_ID: ALLOWED,
            LEADER_ID: ALLOWED,
            FINANCE_ID: ALLOWED,
            ADMIN_ID: ALLOWED,
            OTHER_LEADER_ID: NotServed,
            RESIDENT_ID: NotAllowed,
            WORKER_ID: NotAllowed,
        },
    ),
    (
        "months",
        _months,
        {RESIDENT_ID: ALLOWED, SUPERVISOR_ID: ALLOWED, STRANGER_ID: NotAllowed},
    ),
    (
        "ask",
        _ask,
        {RESIDENT_ID: ALLOWED, SUPERVISOR_ID: NotAllowed, FINANCE_ID: NotAllowed},
    ),
    (
        "threshold",
        _threshold,
        {SECOND_ADMIN_ID: ALLOWED, FINANCE_ID: NotAllowed, SUPERVISOR_ID: NotAllowed},
    ),
]


@pytest.mark.parametrize(("name", "act", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_permissions_for_every_role(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    month: dict[str, int],
    name: str,
    act: Act,
    expected: dict[int, type[DomainError] | None],
) -> None:
    actors = {telegram_id: await actor_of(telegram_id) for telegram_id in expected}
    for telegram_id, error in expected.items():
        async with sessions() as session:
            if error is None:
                await act(session, actors[telegram_id], month)
            else:
                with pytest.raises(error):
                    await act(session, actors[telegram_id], month)
            await session.rollback()


async def test_questions_are_about_published_lines_and_answered_once(
    sessions: async_sessionmaker[AsyncSession],
    actor_of: ActorOf,
    clock: FixedClock,
    month: dict[str, int],
) -> None:
    resident, finance = await actor_of(RESIDENT_ID), await actor_of(FINANCE_ID)
    supervisor, leader = await actor_of(SUPERVISOR_ID), await actor_of(LEADER_ID)
    async with transaction(sessions) as session:
        with pytest.raises(NotPublished):
            await questions.ask(session, resident, month["disclosure"], 99, "？", now=clock())
    async with transaction(sessions) as session:
        with pytest.raises(QuestionRequired):
            await questions.ask(session, resident, month["disclosure"], 1, "   ", now=clock())
    async with transaction(sessions) as session:
        asked = await questions.ask(
            session, resident, month["disclosure"], 2, "电梯为什么花了300元？", now=clock()
        )
    async with transaction(sessions) as session:
        with pytest.raises(NotAllowed):
            await questions.answer(session, supervisor, asked.id, "不该由我答", now=clock())
    async with transaction(sessions) as session:
        info = await questions.answer(session, leader, asked.id, "换了门机皮带。", now=clock())
    async with transaction(sessions) as session:
        with pytest.raises(AlreadyAnswered):
            await questions.answer(session, finance, asked.id, "再答一次", now=clock())
    assert (info.line.seq, info.answer) == (2, "换了门机皮带。")
    async with sessions() as session:
        listed = await questions.listing(session, supervisor, month["courtyard"])
    assert [(q.question, q.answer) for q in listed] == [("电梯为什么花了300元？", "换了门机皮带。")]
