"""The way of an update: handled once per update_id, all or nothing, in the person's language;
group chats; and a grid leader registering a neighbour."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from harness import World
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID

from models import (
    Event,
    GroupChat,
    GroupKind,
    Membership,
    MembershipStatus,
    OutboxMessage,
    ProcessedUpdate,
    User,
)
from services import homes, outbox

APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."


async def count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def memberships(sessions: async_sessionmaker[AsyncSession]) -> list[Membership]:
    async with sessions() as session:
        return list(await session.scalars(select(Membership).order_by(Membership.id)))


async def choose_room(world: World, courtyard: dict[str, Any], name: str, telegram_id: int) -> Any:
    """A person opens the invite link and picks 2号楼-1单元-501, up to the relation question."""
    person = world.person(name, telegram_id, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")
    await person.taps("2号楼")
    await person.taps("1单元")
    await person.taps("501")
    assert person.buttons() == ["Owner", "Tenant", "Family member"]
    return person


# ---- once per update_id ----------------------------------------------------------------------


async def test_a_redelivered_update_is_handled_once(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    person = await choose_room(world, courtyard, "王阿姨", 9001)
    tap = person.tap_update("Owner")
    requests_before = len(world.telegram.requests)

    await world.feed(tap)
    await world.feed(tap)  # Telegram did not get our 200 in time and sends it again

    made = world.telegram.requests[requests_before:]
    edits = [s for s in made if isinstance(s.method, EditMessageText)]
    answers = [s for s in made if isinstance(s.method, AnswerCallbackQuery)]
    assert len(edits) == 1
    assert len(answers) == 1
    assert "sent to the grid leader" in person.last_message()
    assert len(await memberships(sessions)) == 1
    to_leader = [s for s in made if isinstance(s.method, SendMessage) and s.chat_id == LEADER_ID]
    assert len(to_leader) == 1
    async with sessions() as session:
        seen = await session.scalar(
            select(func.count()).where(ProcessedUpdate.update_id == tap.update_id)
        )
    assert seen == 1


async def test_a_redelivered_message_is_answered_once(
    world: World, courtyard: dict[str, Any]
) -> None:
    person = world.person("王阿姨", 9001, language_code="en")
    update = person.message_update(f"/start {courtyard['invite']}")
    await world.feed(update)
    await world.feed(update)
    assert len(person.texts()) == 2  # the welcome and the building picker, once
    assert person.texts()[0] == "Welcome to 纬三路13号院! Let's find your home."


# ---- all or nothing --------------------------------------------------------------------------


async def test_an_error_in_a_handler_writes_nothing_and_apologizes(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = await choose_room(world, courtyard, "王阿姨", 9001)
    events_before = await count(sessions, Event)
    updates_before = await count(sessions, ProcessedUpdate)
    real_enqueue = outbox.enqueue_many

    async def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the disk is full")  # after the membership row and its event

    monkeypatch.setattr(outbox, "enqueue_many", broken)
    tap = person.tap_update("Owner")
    await world.feed(tap)

    assert person.alerts()[-1] == APOLOGY
    assert "Owner" in person.buttons()  # the question still stands
    assert await memberships(sessions) == []
    assert await count(sessions, Event) == events_before
    assert await count(sessions, OutboxMessage) == 0
    # not marked as handled either: a redelivery gets a second chance
    assert await count(sessions, ProcessedUpdate) == updates_before

    monkeypatch.setattr(outbox, "enqueue_many", real_enqueue)
    await world.feed(tap)
    assert "sent to the grid leader" in person.last_message()
    [row] = await memberships(sessions)
    assert row.status is MembershipStatus.PENDING


async def test_an_error_answering_a_message_apologizes_in_the_persons_language(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> list[homes.Home]:
        raise RuntimeError("boom")

    monkeypatch.setattr(homes, "of", broken)
    english = world.person("Alice", 9001, language_code="en")
    chinese = world.person("张大爷", 9002)  # zh-hans

    await english.sends("🏠 My home")
    await chinese.sends("🏠 My home")

    assert english.last_message() == APOLOGY
    assert chinese.last_message().startswith("抱歉")  # "sorry", in Chinese
    assert await count(sessions, User) == 2  # the seed's leader and admin; nobody half-made


# ---- language --------------------------------------------------------------------------------


async def test_lang_switches_and_the_choice_persists(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    i18n: Any,
    policy: Any,
    clock: Any,
) -> None:
    person = world.person("张大爷", 9001)  # Telegram says zh-hans
    await person.sends("/help")
    assert person.last_message().startswith("<b>您可以做的事</b>")

    await person.sends("/lang")
    assert person.buttons() == ["中文", "English"]
    await person.taps("English")

    assert "Language set: English" in person.texts()
    assert person.last_message() == "Menu"
    assert "❓ Help" in person.menu()
    async with sessions() as session:
        locale = await session.scalar(select(User.locale).where(User.telegram_id == 9001))
    assert locale == "en"

    await person.sends("/help")
    assert person.last_message().startswith("<b>What you can do</b>")

    # after a restart (a new dispatcher on the same store) the choice holds
    restarted = World(sessions, i18n, policy, clock, first_update_id=world.next_update_id() + 1)
    again = restarted.person("张大爷", 9001)
    await again.sends("/help")
    assert again.last_message().startswith("<b>What you can do</b>")

    await again.sends("/lang")
    await again.taps("中文")
    assert "语言已设为：中文" in again.texts()
    await again.sends("/help")
    assert again.last_message().startswith("<b>您可以做的事</b>")


# ---- group chats -----------------------------------------------------------------------------


async def group_row(sessions: async_sessionmaker[AsyncSession], chat_id: int) -> GroupChat | None:
    async with sessions() as session:
        return await session.get(GroupChat, chat_id)


async def test_groups_greeting_binding_and_pointing_to_the_private_chat(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    group = world.group(-100_200, "纬三路13号院 邻里群")
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    resident = world.person("王阿姨", 9001, language_code="en")

    await world.add_bot_to_group(group, leader)
    # in a group everyone reads what the bot says: it speaks the courtyard's language (Chinese)
    assert leader.texts(group) == ["大家好！网格长可以用 /link 把本群绑定到楼院。"]
    row = await group_row(sessions, group.id)
    assert row is not None
    assert row.active
    assert row.courtyard_id is None
    assert row.title == "纬三路13号院 邻里群"

    # unbound: the bot keeps quiet, except for /link
    for text in ("/help", "/start", "hello everyone", "/pending"):
        await resident.sends(text, chat=group)
    assert len(leader.texts(group)) == 1

    await leader.sends("/link", chat=group)
    assert leader.buttons(group) == ["纬三路13号院 · 居民群", "纬三路13号院 · 工作人员群"]
    await leader.taps("纬三路13号院 · 居民群", chat=group)
    assert leader.last_message(group) == "✅ 本群已设为 纬三路13号院 的居民群。"
    row = await group_row(sessions, group.id)
    assert row is not None
    assert (row.courtyard_id, row.kind) == (courtyard["id"], GroupKind.RESIDENTS)
    assert row.linked_by == courtyard["leader_user_id"]
    async with sessions() as session:
        [event] = await session.scalars(select(Event).where(Event.action == "linked"))
    assert event.actor_id == courtyard["leader_user_id"]

    # bound: commands get a pointer to the private chat, plain talk gets nothing
    before = len(leader.texts(group))
    await resident.sends("hello neighbours", chat=group)
    assert len(leader.texts(group)) == before
    await resident.sends("/help", chat=group)
    log = world.telegram.chat(group.id)
    reply = list(log.messages.values())[-1]
    assert reply.text == "请在与我的私聊中继续。"
    assert isinstance(reply.reply_markup, InlineKeyboardMarkup)
    [[button]] = reply.reply_markup.inline_keyboard
    assert button.url == "https://t.me/courtyard_test_bot?start=menu"
    sent = [s for s in world.telegram.requests if isinstance(s.method, SendMessage)][-1]
    assert sent.method.reply_parameters is not None or sent.method.reply_to_message_id

    # the leader makes it the staff group instead
    await leader.sends("/link", chat=group)
    await leader.taps("纬三路13号院 · 工作人员群", chat=group)
    row = await group_row(sessions, group.id)
    assert row is not None
    assert row.kind is GroupKind.STAFF


async def test_a_group_the_bot_left_is_ignored(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    from datetime import UTC, datetime

    from aiogram.types import ChatMemberLeft, ChatMemberMember, ChatMemberUpdated, Update
    from harness import bot_user

    group = world.group(-100_300, "旧群")
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await world.add_bot_to_group(group, leader)
    await leader.sends("/link", chat=group)
    await leader.taps("纬三路13号院 · 居民群", chat=group)

    await world.feed(
        Update(
            update_id=world.next_update_id(),
            my_chat_member=ChatMemberUpdated(
                chat=group,
                from_user=leader.user,
                date=datetime.now(UTC),
                old_chat_member=ChatMemberMember(user=bot_user()),
                new_chat_member=ChatMemberLeft(user=bot_user()),
            ),
        )
    )

    row = await group_row(sessions, group.id)
    assert row is not None
    assert not row.active
    before = len(world.telegram.requests)
    await leader.sends("/help", chat=group)
    assert len(world.telegram.requests) == before


# ---- a grid leader registers a neighbour -----------------------------------------------------


async def test_a_group_upgraded_to_a_supergroup_stays_bound(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Telegram turns a group into a supergroup (an admin changed a setting): the chat gets a new
    id, announced by a service message in the old chat and one in the new."""
    from datetime import UTC, datetime

    from aiogram.types import Chat, Message, Update

    old = Chat(id=-400_1, type="group", title="纬三路13号院 邻里群")
    new = world.group(-100_400_1, "纬三路13号院 邻里群")
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await world.add_bot_to_group(old, leader)
    await leader.sends("/link", chat=old)
    await leader.taps("纬三路13号院 · 工作人员群", chat=old)

    def service(chat: Chat, **migration: int) -> Update:
        return Update(
            update_id=world.next_update_id(),
            message=Message(
                message_id=1, date=datetime.now(UTC), chat=chat, from_user=leader.user, **migration
            ),
        )

    await world.feed(service(new, migrate_from_chat_id=old.id))  # this one may come first
    await world.feed(service(old, migrate_to_chat_id=new.id))

    moved = await group_row(sessions, new.id)
    assert moved is not None
    assert moved.active
    assert (moved.courtyard_id, moved.kind) == (courtyard["id"], GroupKind.STAFF)
    assert moved.linked_by == courtyard["leader_user_id"]
    left = await group_row(sessions, old.id)
    assert left is not None
    assert not left.active

    await leader.sends("/help", chat=new)  # the bound supergroup answers
    assert leader.last_message(new) == "请在与我的私聊中继续。"
