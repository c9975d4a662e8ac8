"""The demo (`make run` without a token) runs with quiet hours off unless they are set, and
its banner says so."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.demo import DEMO_DATABASE, banner, demo_settings
from bot.demo_data import PEOPLE, WSL, link_groups, seed, seed_features
from models import (
    Ballot,
    GatheringSlot,
    Household,
    Notice,
    NoticeStatus,
    Vote,
    VoteStatus,
)
from services import courtyards, people, roles, visits
from services.fees import collection, statements
from services.policy import Policy


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("QUIET_HOURS", "DATABASE_URL", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env


def test_the_demo_has_quiet_hours_off_and_says_so(i18n: I18n) -> None:
    settings = demo_settings(Settings())
    assert settings.database_url == DEMO_DATABASE
    assert not settings.policy().quiet_hours.active
    with i18n.context(), i18n.use_locale("zh_Hans"):
        text = banner(settings, "http://127.0.0.1:8080", {"纬三路13号院": "join-abc"})
    assert "演示中免打扰时段已关闭" in text
    assert "/start join-abc" in text


def test_quiet_hours_set_for_the_demo_are_kept(i18n: I18n, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIET_HOURS", "22:00-07:00")
    settings = demo_settings(Settings())
    assert settings.policy().quiet_hours.active
    with i18n.context(), i18n.use_locale("zh_Hans"):
        assert "免打扰" not in banner(settings, "http://127.0.0.1:8080", {})


async def test_the_demo_data_shows_every_feature(session: AsyncSession, policy: Policy) -> None:
    """Bills with arrears and payments, instructions, an open vote with ballots, a sent
    notice, an event with slots, a visit list; and a second start writes nothing again."""
    now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    await seed(session, now)
    await link_groups(session, WSL, -1001, -1002, now)
    assert await seed_features(session, now, policy)
    wsl = await courtyards.by_name(session, WSL)
    admin = await roles.user_by_telegram_id(session, PEOPLE[0].telegram_id, now, create=False)
    center = await people.load_actor(session, admin)
    homes = {p.name: p.home for p in PEOPLE if p.home}

    async def statement_of(name: str) -> statements.Statement:
        _c, building, unit, room = homes[name]
        household_id = await session.scalar(
            select(Household.id).where(
                Household.courtyard_id == wsl.id,
                Household.building == building,
                Household.unit == unit,
                Household.room == room,
            )
        )
        assert household_id is not None
        return await statements.statement(session, center, household_id, today=now.date())

    owing = await statement_of("王阿姨")
    assert owing.current is not None
    assert owing.current.period == "2026-12"
    assert [line.period for line in owing.arrears] == ["2026-10", "2026-11"]
    assert owing.owed_fen == sum(line.amount_fen for line in (*owing.arrears, owing.current))
    assert owing.has_instructions
    paid = await statement_of("赵大爷")
    assert paid.owed_fen == 0
    assert paid.payments == 1

    (row, *_others, _total) = await collection.report(session, None, "2026-12", [wsl.id])
    assert 0 < row.households_paid < row.households_billed == 192
    assert 0 < row.received_fen < row.due_fen

    vote = await session.scalar(select(Vote).where(Vote.courtyard_id == wsl.id))
    assert vote is not None
    assert vote.status is VoteStatus.OPEN
    assert vote.matter == 4
    ballots = await session.scalar(select(func.count()).where(Ballot.vote_id == vote.id))
    assert ballots == 30
    notice = await session.scalar(select(Notice).where(Notice.courtyard_id == wsl.id))
    assert notice is not None
    assert notice.status is NoticeStatus.SCHEDULED
    assert notice.needs_ack
    slots = await session.scalar(select(func.count()).select_from(GatheringSlot))
    assert slots == 8
    leader_user = await roles.user_by_telegram_id(session, PEOPLE[1].telegram_id, now, create=False)
    leader = await people.load_actor(session, leader_user)
    assert len(await visits.open_for(session, leader, wsl.id, "fee-visit")) == 5

    assert not await seed_features(session, now, policy)  # the next start adds nothing
