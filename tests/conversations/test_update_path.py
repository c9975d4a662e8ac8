"""The way of an update through the middlewares: an update that changes nothing takes no write
lock and writes nothing, yet is handled once; one that changes state records its id with the
change; replies are sent after the commit; the actor is cached and forgotten on change."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from harness import World
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID

from models import Event, ProcessedUpdate, User
from models.db import ReadOnlyViolation, read_session_factory, write_lock
from services import homes

HELP = "❓ 帮助"


async def processed(sessions: async_sessionmaker[AsyncSession]) -> set[int]:
    async with sessions() as session:
        return set(await session.scalars(select(ProcessedUpdate.update_id)))


async def test_help_answers_while_another_transaction_holds_the_write_lock(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    person = world.person("张大爷", 9001)
    await person.sends(HELP)  # a newcomer's first update writes (the person is recorded)
    before = len(person.texts())
    async with write_lock(sessions):  # on SQLite: some long write is under way
        update = person.message_update(HELP)
        # handled while the lock is held (a write would wait for it: the timeout would fire)
        answer = await asyncio.wait_for(world.dispatcher.feed_update(world.bot, update), 5)
    await world.bot(answer)
    assert len(person.texts()) == before + 1
    assert person.last_message().startswith("<b>您可以做的事</b>")
    assert update.update_id not in await processed(sessions)  # nothing written for it


async def test_an_update_that_changes_nothing_is_still_handled_once(
    world: World, courtyard: dict[str, Any]
) -> None:
    person = world.person("张大爷", 9001)
    await person.sends(HELP)
    update = person.message_update(HELP)
    await world.feed(update)
    answers = len(person.texts())
    await world.feed(update)  # Telegram delivers it again
    assert len(person.texts()) == answers


async def test_a_state_change_records_its_update_id_in_its_transaction(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    person = world.person("王阿姨", 9001)
    update = person.message_update(f"/start {courtyard['invite']}")
    await world.feed(update)
    assert update.update_id in await processed(sessions)


async def test_no_telegram_call_is_made_while_the_write_lock_is_held(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if sessions.kw["bind"].dialect.name != "sqlite":
        pytest.skip("the write lock is SQLite's")
    held_during: list[str] = []
    real = world.telegram.make_request

    async def watching(bot: Any, method: Any, timeout: Any = None) -> Any:  # noqa: ASYNC109
        if write_lock(sessions).locked():  # type: ignore[attr-defined]
            held_during.append(type(method).__name__)
        return await real(bot, method, timeout)

    monkeypatch.setattr(world.telegram, "make_request", watching)
    resident = world.person("王阿姨", 9001)
    leader = world.person("李网格长", LEADER_ID)
    await resident.sends(f"/start {courtyard['invite']}")
    await resident.taps("2号楼")
    await resident.taps("1单元")
    await resident.taps("501")
    await resident.taps("业主")
    await leader.taps("✅ 同意")
    await resident.sends("🛠 我要报修")
    assert "已同意" in leader.last_message()
    assert "欢迎" in resident.texts()[-2]
    assert held_during == []


async def test_a_refused_or_failed_update_sends_none_of_its_collected_replies(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> list[homes.Home]:
        raise RuntimeError("boom")

    person = world.person("张大爷", 9001)
    await person.sends(HELP)
    monkeypatch.setattr(homes, "of", broken)
    await person.sends("🏠 我的家")
    assert person.last_message().startswith("抱歉")


async def test_a_read_only_session_refuses_writes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    reads = read_session_factory(sessions.kw["bind"])
    async with reads() as session:
        session.add(User(name="x", telegram_id=1, created_at=None))
        with pytest.raises(ReadOnlyViolation):
            await session.flush()
    async with reads() as session:
        with pytest.raises(ReadOnlyViolation):
            await session.execute(User.__table__.delete())
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_the_actor_is_cached_and_forgotten_when_approved(
    world: World, courtyard: dict[str, Any]
) -> None:
    """Approval changes the applicant's homes: their next update sees it at once."""
    resident = world.person("王阿姨", 9001)
    leader = world.person("李网格长", LEADER_ID)
    await resident.sends(f"/start {courtyard['invite']}")
    await resident.sends(HELP)  # cached now: a person with no home
    assert "邀请链接" in resident.last_message()
    assert "我要报修" not in resident.last_message()
    await resident.taps("2号楼")
    await resident.taps("1单元")
    await resident.taps("501")
    await resident.taps("业主")
    await leader.taps("✅ 同意")
    await resident.sends(HELP)
    assert "我要报修" in resident.last_message()


async def test_a_handler_that_passes_the_update_on_keeps_nothing_but_its_words(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """SkipHandler from a writing handler: its rows are undone, what it said is said, and the
    next handler gets a transaction of its own, in which the update id is recorded."""
    from aiogram import F, Router
    from aiogram.dispatcher.event.bases import SkipHandler
    from aiogram.types import Message

    from bot import features
    from bot.app import build_dispatcher
    from services import events

    async def first(message: Message, session: AsyncSession) -> None:
        events.record(
            session, at=world.clock(), actor=None, subject_type="test", subject_id=1, action="first"
        )
        await message.answer("first says: not mine")
        raise SkipHandler()

    async def second(message: Message, session: AsyncSession) -> None:
        events.record(
            session,
            at=world.clock(),
            actor=None,
            subject_type="test",
            subject_id=2,
            action="second",
        )
        await message.answer("second handles it")

    def test_routers() -> list[Router]:
        router = Router(name="pass-on")
        router.message(F.text == "pass it on")(first)
        router.message(F.text == "pass it on")(second)
        return [router]

    world.dispatcher = build_dispatcher(
        sessions=sessions,
        i18n=world.i18n,
        policy=world.policy,
        clock=world.clock,
        after_commit=world.sender.notify,
        feature_list=(features.Feature(name="test", routers=test_routers), *features.FEATURES),
    )
    person = world.person("张大爷", 9001)
    update = person.message_update("pass it on")
    await world.feed(update)
    assert person.texts()[-2:] == ["first says: not mine", "second handles it"]
    async with sessions() as session:
        actions = list(
            await session.scalars(select(Event.action).where(Event.subject_type == "test"))
        )
    assert actions == ["second"]
    assert update.update_id in await processed(sessions)


async def test_text_nobody_expects_points_at_the_buttons_not_a_command(
    world: World, courtyard: dict[str, Any]
) -> None:
    elder = world.person("赵大爷", 9001)
    await elder.sends("3号楼")  # typed where there is no question
    assert elder.last_message() == "抱歉，我没有看懂。请点下方的按钮。"
    assert "❓ 帮助" in elder.menu()  # the buttons are right there, under the answer
