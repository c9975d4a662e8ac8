"""Conversations: a courtyard with households, the repair team of the ticket conversations,
and the language the chat is read in (the World itself comes from tests/conftest.py).

A module marked `pytestmark = pytest.mark.english` reads the chat in English: the people's
Telegram language, the policy's default locale (what groups are addressed in) and the catalogs'
default are English, so its assertions do not change when the Chinese catalog does."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.utils.i18n import I18n
from harness import World
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, seed_courtyard
from tickets_data import (
    ENGLISH,
    NEIGHBOUR_ID,
    RESIDENT_ID,
    SERVICE_ID,
    STAFF_GROUP,
    STRANGER_ID,
    SUPERVISOR_ID,
    TWO_HOMES_ID,
    WORKER2_ID,
    WORKER_ID,
    seed_ticket_people,
)

from bot.i18n import build_i18n
from services.clock import FixedClock
from services.policy import Policy

_CATALOGS: dict[str, I18n] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "english: the module reads the chat in English")


def _english(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("english") is not None


@pytest.fixture
def policy(request: pytest.FixtureRequest) -> Policy:
    return ENGLISH if _english(request) else Policy()


@pytest.fixture
def i18n(request: pytest.FixtureRequest) -> I18n:
    locale = "en" if _english(request) else "zh_Hans"
    if locale not in _CATALOGS:  # built once per locale for the whole run
        _CATALOGS[locale] = build_i18n(locale)
    return _CATALOGS[locale]


@pytest.fixture
async def courtyard(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> dict:
    return await seed_courtyard(sessions, clock())


# who the ticket conversations meet: (key, name, Telegram id)
TEAM = [
    ("resident", "王阿姨", RESIDENT_ID),
    ("leader", "李网格长", LEADER_ID),
    ("admin", "服务中心", ADMIN_ID),
    ("zhang", "张师傅", WORKER_ID),
    ("liu", "刘师傅", WORKER2_ID),
    ("service", "小陈", SERVICE_ID),
    ("supervisor", "老周", SUPERVISOR_ID),
    ("neighbour", "赵大爷", NEIGHBOUR_ID),
    ("sun", "孙先生", TWO_HOMES_ID),
    ("stranger", "路人", STRANGER_ID),
]


@pytest.fixture
async def people(
    request: pytest.FixtureRequest,
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> dict[str, Any]:
    """纬三路13号院's repair team and residents (tickets_data), each a Person by key, "folks"
    the store's ids; the team's group (STAFF_GROUP) linked by the grid leader in the chat.
    They read English in a module marked english, else Chinese."""
    english = _english(request)
    folks = await seed_ticket_people(sessions, clock(), courtyard["id"])
    language = "en" if english else "zh-hans"
    found: dict[str, Any] = {
        key: world.person(name, telegram_id, language_code=language)
        for key, name, telegram_id in TEAM
    }
    found["folks"] = folks
    group = world.group(STAFF_GROUP, "维修群")
    leader = found["leader"]
    await world.add_bot_to_group(group, leader)
    await leader.sends("/link", chat=group)
    await leader.taps(f"纬三路13号院 · {'staff group' if english else '工作人员群'}", chat=group)
    linked = "staff group of 纬三路13号院" if english else "纬三路13号院"
    assert linked in leader.last_message(group)
    return found
