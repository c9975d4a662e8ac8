"""Sending, editing and deleting through unmodified aiogram, and Telegram's 400 answers."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNotFound
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from sandbox_testkit import TOKEN

from sandbox import Sandbox


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data)] for text, data in pairs
        ]
    )


async def test_get_me_identifies_the_bot_by_its_token(sandbox: Sandbox, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "courtyard_sandbox_bot"


async def test_invalid_token_is_unauthorized(sandbox: Sandbox) -> None:
    url = f"{sandbox.api_url}/botnot-a-token/getMe"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 401
        assert await response.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }


async def test_send_edit_delete_round_trip(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王阿姨")
    sent = await bot.send_message(
        user.id,
        "<b>报修</b> 3号楼 漏水",
        parse_mode="HTML",
        reply_markup=keyboard(("接单", "claim:1")),
    )
    assert sent.text == "报修 3号楼 漏水"
    assert sent.entities is not None
    assert sent.entities[0].type == "bold"
    assert sent.entities[0].length == 2
    assert sent.chat.id == user.id
    assert sent.chat.type == "private"
    assert sent.from_user is not None
    assert sent.from_user.is_bot

    stored = sandbox.last_bot_message(user.id)
    assert stored is not None
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "claim:1"

    edited = await bot.edit_message_text(
        "已接单",
        chat_id=user.id,
        message_id=sent.message_id,
        reply_markup=keyboard(("完成", "done:1")),
    )
    assert isinstance(edited, Message)
    assert (edited.message_id, edited.text, edited.edit_date is not None) == (
        sent.message_id,
        "已接单",
        True,
    )
    assert edited.reply_markup is not None
    assert edited.reply_markup.inline_keyboard[0][0].callback_data == "done:1"
    stored = sandbox.last_bot_message(user.id)
    assert stored is not None
    assert stored["text"] == "已接单"
    history = sandbox.messages(user.id)
    assert history[0]["text"] == "已接单"
    assert history[0]["edited"] is True
    assert "entities" not in history[0]

    await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id)
    assert "reply_markup" not in sandbox.messages(user.id)[0]

    assert await bot.delete_message(user.id, sent.message_id) is True
    assert sandbox.messages(user.id)[0]["deleted"] is True
    assert sandbox.last_bot_message(user.id) is None
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=sent.message_id)


async def test_message_ids_increase_per_chat(sandbox: Sandbox, bot: Bot) -> None:
    first, second = sandbox.add_user("甲"), sandbox.add_user("乙")
    a1 = await bot.send_message(first.id, "1")
    b1 = await bot.send_message(second.id, "1")
    a2 = await bot.send_message(first.id, "2")
    assert (a1.message_id, b1.message_id, a2.message_id) == (1, 1, 2)


async def test_edit_with_same_content_is_not_modified(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("李师傅")
    sent = await bot.send_message(user.id, "hello", reply_markup=keyboard(("a", "a")))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "hello", chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard(("a", "a"))
        )


async def test_text_and_caption_limits(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("张")
    await bot.send_message(user.id, "字" * 4096)
    # tags do not count towards the limit
    await bot.send_message(user.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user.id, "字" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, "<b></b>", parse_mode="HTML")
    photo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    from aiogram.types import BufferedInputFile

    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(user.id, BufferedInputFile(photo, "p.png"), caption="c" * 1025)


@pytest.mark.parametrize(
    "html", ["<b>unclosed", "<foo>x</foo>", "<b>x</i>", "<br/>", '<span class="x">y</span>']
)
async def test_broken_html_cannot_be_parsed(sandbox: Sandbox, bot: Bot, html: str) -> None:
    user = sandbox.add_user("王")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(user.id, html, parse_mode="HTML")
    assert sandbox.messages(user.id) == []


async def test_html_entities_use_utf16_offsets_and_links(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    sent = await bot.send_message(
        user.id,
        '😀 <a href="https://example.org">link</a> &lt;<tg-spoiler>s</tg-spoiler>',
        parse_mode="HTML",
    )
    assert sent.text == "😀 link <s"
    assert sent.entities is not None
    link, spoiler = sent.entities
    assert (link.type, link.offset, link.length, link.url) == (
        "text_link",
        3,
        4,
        "https://example.org",
    )
    assert (spoiler.type, spoiler.offset, spoiler.length) == ("spoiler", 9, 1)


async def test_callback_data_over_64_bytes_is_rejected(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user.id, "x", reply_markup=keyboard(("a", "好" * 22)))
    await bot.send_message(user.id, "x", reply_markup=keyboard(("a", "d" * 64)))


async def test_unknown_chat_is_not_found(sandbox: Sandbox, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hi")


async def test_reply_keyboard_is_shown_then_removed(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="📋 我的报修")]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    sent = await bot.send_message(user.id, "菜单", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram returns only inline keyboards
    tapped = await sandbox.user_taps_text(user.id, "📋 我的报修")
    assert tapped["text"] == "📋 我的报修"
    assert tapped["from"]["id"] == user.id
    with pytest.raises(LookupError):  # one-time keyboard is gone after use
        await sandbox.user_taps_text(user.id, "📋 我的报修")
    await bot.send_message(
        user.id, "again", reply_markup=ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="好")]])
    )
    await bot.send_message(user.id, "gone", reply_markup=ReplyKeyboardRemove())
    with pytest.raises(LookupError):
        await sandbox.user_taps_text(user.id, "好")


async def raw_call(sandbox: Sandbox, method: str, **fields: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        url = f"{sandbox.api_url}/bot{TOKEN}/{method}"
        async with http.post(url, data=fields) as response:
            return response.status, await response.json()


async def test_unknown_method_is_404_not_500(sandbox: Sandbox, bot: Bot) -> None:
    status, body = await raw_call(sandbox, "sendTeleportation", chat_id="1")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    from aiogram.methods import SendMessage

    class Bogus(SendMessage):
        __api_method__ = "sendBogus"

    with pytest.raises(TelegramNotFound):
        await bot(Bogus(chat_id=1, text="x"))


async def test_malformed_input_is_400_never_500(sandbox: Sandbox) -> None:
    user = sandbox.add_user("王")
    status, body = await raw_call(
        sandbox, "sendMessage", chat_id=str(user.id), text="x", reply_markup="{not json"
    )
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse")
    cases = [
        {"chat_id": str(user.id), "text": "x", "reply_markup": '{"inline_keyboard": 5}'},
        {"chat_id": str(user.id), "text": "x", "reply_markup": '{"inline_keyboard": [[1]]}'},
        {"chat_id": "abc", "text": "x"},
        {"text": "x"},
        {"chat_id": str(user.id)},
        {"chat_id": str(user.id), "text": "x", "reply_to_message_id": "nope"},
    ]
    for fields in cases:
        status, body = await raw_call(sandbox, "sendMessage", **fields)
        assert status == 400, (fields, body)
        assert body["ok"] is False
        assert body["description"].startswith("Bad Request: ")
    status, body = await raw_call(sandbox, "editMessageText", chat_id=str(user.id))
    assert status == 400


async def test_json_body_is_accepted(sandbox: Sandbox) -> None:
    user = sandbox.add_user("王")
    async with aiohttp.ClientSession() as http:
        url = f"{sandbox.api_url}/bot{TOKEN}/SENDMESSAGE"
        payload = {
            "chat_id": user.id,
            "text": "json",
            "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
        }
        async with http.post(url, json=payload) as response:
            body = await response.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "json"
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"


GARBAGE: list[dict[str, str]] = [
    {},
    {"chat_id": "1", "message_id": "x", "user_id": "[]", "text": ""},
    {"chat_id": "-1", "text": "x", "reply_markup": "[]", "entities": "{}", "offset": "a"},
    {"chat_id": "99999999999999999999999", "text": "x", "photo": "attach://missing"},
    {"chat_id": "1", "commands": '[{"command": 1}]', "scope": "5", "message_ids": '["a"]'},
    {
        "callback_query_id": "1",
        "file_id": "../../etc/passwd",
        "url": "ftp://x",
        "allowed_updates": '{"a": 1}',
        "limit": "-5",
        "timeout": "nan",
    },
]


@pytest.mark.parametrize("fields", GARBAGE)
async def test_every_method_survives_garbage(sandbox: Sandbox, fields: dict[str, str]) -> None:
    from sandbox.botapi import METHODS

    user = sandbox.add_user("王", user_id=1)
    assert user.id == 1
    for method in METHODS:
        if method in ("close", "logout", "deletewebhook", "setwebhook"):
            continue
        status, body = await raw_call(sandbox, method, **fields)
        assert status < 500, (method, fields, body)
        assert body["ok"] is (status == 200), (method, body)
