"""The published protocol: rooms with their choice only when the vote was created open,
receipt codes otherwise, never names; the chart and the XLSX/PDF exports."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from aiogram.utils.i18n import I18n
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from votes_data import Registry, open_plan_vote, paper_ballots, plan_draft, seed_registry

from services.clock import FixedClock
from services.policy import Policy
from services.votes import closing, protocol, receipts
from services.votes.errors import NotClosedYet
from services.votes.rules import thresholds
from views.votes import documents


@pytest.fixture
async def registry(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> Registry:
    return await seed_registry(sessions, clock(), count=12)


async def closed_vote(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
    *,
    open_choices: bool,
) -> int:
    draft = plan_draft(clock() + timedelta(days=7), choices_visible_before_close=open_choices)
    vote_id = await open_plan_vote(sessions, registry, clock, policy, draft)
    await paper_ballots(sessions, registry, vote_id, [(i, 1 + i % 2) for i in range(10)], clock())
    with pytest.raises(NotClosedYet):
        async with sessions() as session:
            await protocol.build(session, registry.leader, vote_id)
    clock.advance(days=7)
    async with sessions() as session, session.begin():
        await closing.close_due(session, clock(), policy)
    return vote_id


async def test_a_secret_vote_publishes_receipts_not_rooms(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
    i18n: I18n,
) -> None:
    vote_id = await closed_vote(sessions, registry, clock, policy, open_choices=False)
    async with sessions() as session:
        found = await protocol.build(session, registry.resident(0), vote_id)
    assert not found.rooms_shown
    assert len(found.ballots) == 10
    assert all(b.room is None and receipts.valid(b.receipt) for b in found.ballots)
    with i18n.context(), i18n.use_locale("zh_Hans"):
        data = documents.workbook(found, policy.timezone)
        pdf = documents.document(found, policy.timezone)
    book = load_workbook(io.BytesIO(data))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert not any("号楼" in c for c in cells)  # no room
    assert not any(re.search(r"业主\d|居民\d", c) for c in cells)  # no name
    assert {b.receipt for b in found.ballots} <= cells
    assert pdf.startswith(b"%PDF")


async def test_an_open_vote_publishes_rooms_with_their_choice_and_the_chart_draws(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
    i18n: I18n,
) -> None:
    vote_id = await closed_vote(sessions, registry, clock, policy, open_choices=True)
    async with sessions() as session:
        found = await protocol.build(session, registry.leader, vote_id)
    assert found.rooms_shown
    assert [(b.room, b.option) for b in found.ballots][:2] == [
        ("1号楼-1单元-011", 1),
        ("1号楼-1单元-021", 1),
    ]
    assert found.result.took_part.heads == 10
    rules = thresholds(found.result.rule, found.result.matter)
    with i18n.context(), i18n.use_locale("zh_Hans"):
        png = documents.chart(
            found.result.title,
            [(o.position, o.text, o.heads, o.area) for o in found.result.options],
            found.result.took_part.heads,
            found.result.took_part.area,
            rules.approval,
            rules.by_area,
        )
    assert png.startswith(b"\x89PNG")
