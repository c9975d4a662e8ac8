"""What adversarial runs sent the real bot: forged button data with numbers no column holds,
whitespace in an unlinked group, markup in what a leader types, an edit that changes nothing.
Each gets a calm answer (or none), never a traceback or an apology."""

from __future__ import annotations

import enum
import importlib
import logging
import pkgutil
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import Chat, Message
from harness import FakeTelegram, Person, World, bot_user
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID

import views
from bot import replies
from bot.app import build_bot
from models import Courtyard
from services.errors import N_, InvalidInput
from views.callbacks import LinkGroup
from views.errors import error_text

EXPIRED = "This button has expired. Please start again from the menu."
SORRY = "Sorry, something went wrong on our side. Please try again in a moment."
# beyond PostgreSQL's INTEGER, beyond SQLite's 64 bits, below them
FORGED = [2**31, 99999999999999999999, -9223372036854775809]
# a value each text field takes on a real button, so the number is the only thing wrong
TEXT_SAMPLES = {"a": "show", "s": "h", "p": "join", "mode": "join", "kind": "staff", "ch": "phone"}


def callback_classes() -> list[type[CallbackData]]:
    """Every button's data class, in every module of views/ (and wherever else one is)."""
    for module in pkgutil.walk_packages(views.__path__, "views."):
        importlib.import_module(module.name)
    found: list[type[CallbackData]] = []
    waiting = list(CallbackData.__subclasses__())
    while waiting:
        cls = waiting.pop()
        found.append(cls)
        waiting.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: c.__prefix__)  # type: ignore[attr-defined]


def number_fields() -> list[tuple[type[CallbackData], str]]:
    return [
        (cls, name)
        for cls in callback_classes()
        for name, field in cls.model_fields.items()
        if field.annotation is int
    ]


def data(cls: type[CallbackData], forged: str, value: int) -> str:
    parts = [cls.__prefix__]  # type: ignore[attr-defined]
    for name, field in cls.model_fields.items():
        if name == forged:
            parts.append(str(value))
        elif field.annotation is int or field.annotation is bool:
            parts.append("1")
        elif isinstance(field.annotation, type) and issubclass(field.annotation, enum.Enum):
            parts.append(str(next(iter(field.annotation)).value))  # a real member
        else:
            parts.append(TEXT_SAMPLES.get(name, "x"))
    return cls.__separator__.join(parts)  # type: ignore[attr-defined]


def bot_message(chat: Chat, text: str = "…") -> Message:
    return Message(message_id=1, date=datetime.now(UTC), chat=chat, from_user=bot_user(), text=text)


def test_every_prefix_carrying_an_id_is_covered() -> None:
    prefixes = {cls.__prefix__ for cls, _ in number_fields()}  # type: ignore[attr-defined]
    assert {"tk", "ta", "md", "tr", "tw", "pl", "hp", "mr", "mo", "lk"} <= prefixes


@pytest.mark.parametrize(
    ("cls", "field"),
    number_fields(),
    ids=[f"{cls.__prefix__}.{name}" for cls, name in number_fields()],  # type: ignore[attr-defined]
)
async def test_a_number_no_column_holds_is_an_expired_button(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    cls: type[CallbackData],
    field: str,
) -> None:
    admin = world.person("服务中心", ADMIN_ID, language_code="en")
    await admin.sends("/help")  # the admin has spoken to the bot: the store knows them
    chat = Chat(id=admin.id, type="private")
    if cls is LinkGroup:  # the one button an unlinked group answers
        chat = world.group(-100777, "楼长群")
        await world.add_bot_to_group(chat, admin)
    cls.unpack(data(cls, field, 1))  # the same button with a real id is well-formed
    expired = {world.i18n.gettext(EXPIRED, locale=locale) for locale in ("en", "zh_Hans")}
    assert len(expired) == 2  # (a group is answered in the courtyard's language)
    for value in FORGED:
        forged = data(cls, field, value)
        with pytest.raises(ValueError, match="validation error"):
            cls.unpack(forged)
        caplog.clear()
        await world.feed(admin.callback_update(bot_message(chat), forged))
        assert admin.alerts()[-1] in expired, forged
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], forged
    async with sessions() as session:  # nothing was written for it
        stored = await session.get(Courtyard, courtyard["id"])
        assert stored is not None
        assert stored.name == "纬三路13号院"


@pytest.mark.parametrize("text", [" ", "\u3000", "\t\n", " \u3000 "])
async def test_whitespace_in_an_unlinked_group_is_ignored(
    world: World, courtyard: dict[str, Any], caplog: pytest.LogCaptureFixture, text: str
) -> None:
    leader = world.person("李网格长", LEADER_ID)
    group = world.group(-100555, "闲聊群")
    await world.add_bot_to_group(group, leader)
    before = len(world.telegram.requests)
    caplog.clear()
    await world.feed(leader.message_update(text, chat=group))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert world.telegram.requests[before:] == []  # an unlinked group hears nothing back
    await leader.sends("/link", chat=group)  # and the group can still be linked
    assert leader.buttons(group)


async def test_markup_typed_into_a_command_comes_back_as_a_readable_hint(
    world: World, courtyard: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await leader.sends("/deadline water urgent <x> 1h")
    assert leader.last_message() == "&lt;x&gt; is not a duration. Write it like 30m, 4h or 3d."
    await leader.sends("/deadline WSL water urgent 1h <b>&")
    assert leader.last_message().startswith("&lt;b&gt;&amp; is not a duration.")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_fake_telegram_refuses_unescaped_markup_as_telegram_does(world: World) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities: Unsupported start tag"):
        await world.bot(SendMessage(chat_id=9001, text="1 < 2 <x> 3"))
    sent = await world.bot(SendMessage(chat_id=9001, text="<b>1 &lt; 2</b> &amp; 3"))
    assert sent.text == "<b>1 &lt; 2</b> &amp; 3"


async def test_an_alert_shows_the_error_as_typed(world: World, courtyard: dict[str, Any]) -> None:
    """An alert is plain text: nothing escaped there (a name with & stays a name)."""
    error = InvalidInput(N_("%(text)s is not a duration. Write it like 30m, 4h or 3d."), text="<&>")
    with world.i18n.context(), world.i18n.use_locale("en"):
        assert error_text(error, html=False).startswith("<&> is not a duration")
        assert error_text(error).startswith("&lt;&amp;&gt; is not a duration")


async def double_tap(person: Person, label: str) -> None:
    first, second = person.tap_update(label), person.tap_update(label)
    await person.world.feed(first)
    await person.world.feed(second)


async def test_a_double_tap_on_a_language_is_no_error(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    tenant = world.person("Anna", 9301, language_code="en")
    await tenant.sends("/lang")
    await double_tap(tenant, "English")
    unchanged = [
        r
        for r in world.telegram.requests
        if isinstance(r.method, EditMessageText) and r.chat_id == tenant.id
    ]
    assert len(unchanged) == 2  # Telegram said "message is not modified" to the second
    assert SORRY not in tenant.alerts()
    assert tenant.texts().count("Language set: English") == 1
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_an_edit_that_changes_nothing_is_a_done_edit_for_every_caller(
    world: World,
) -> None:
    """Not only a handler's replies: any bot the app builds (the outbox sender's, editing
    cards) takes "message is not modified" for a done edit; other refusals still count."""
    sender_bot = Bot("123456:TEST", session=FakeTelegram(world.time))
    sent = await sender_bot.send_message(9001, "card")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await sender_bot.edit_message_text("card", chat_id=9001, message_id=sent.message_id)
    replies.tolerate_unchanged(sender_bot)
    assert await sender_bot.edit_message_text("card", chat_id=9001, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await sender_bot.edit_message_text(
            "<x>", chat_id=9001, message_id=sent.message_id, parse_mode="HTML"
        )

    built = build_bot("123456:TEST")
    try:
        assert any(isinstance(m, replies.UnchangedEdits) for m in built.session.middleware)
    finally:
        await built.session.close()
