"""The web chat's page and JSON API, with a real bot on the other side."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import Sandbox

TESTIDS = ["person-select", "composer-input", "composer-send"]
SCRIPT_TESTIDS = ["chat-item", "message", "inline-button", "reply-button", "data-from"]


async def call(sandbox: Sandbox, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    url = f"{sandbox.api_url}{path}"
    async with aiohttp.ClientSession() as http, http.request(method, url, **kwargs) as response:
        kind = response.content_type
        if kind == "application/json":
            return response.status, await response.json()
        if kind.startswith("text/") or "javascript" in kind:
            return response.status, await response.text()
        return response.status, await response.read()


async def test_page_and_assets_are_served(sandbox: Sandbox) -> None:
    status, html = await call(sandbox, "GET", "/")
    assert status == 200
    for testid in TESTIDS:
        assert f'data-testid="{testid}"' in html
    assert "演示数据均为虚构 / Demo data is invented" in html
    status, script = await call(sandbox, "GET", "/sandbox/static/app.js")
    assert status == 200
    for hook in SCRIPT_TESTIDS:
        assert hook in script
    assert "innerHTML" not in script  # everything is set as text or built from entities
    status, css = await call(sandbox, "GET", "/sandbox/static/style.css")
    assert status == 200
    assert "@media" in css
    assert await call(sandbox, "GET", "/sandbox/api/health") == (200, {"ok": True})


async def test_create_person_send_and_see_the_bot_reply(sandbox: Sandbox, bot: Bot) -> None:
    status, created = await call(
        sandbox,
        "POST",
        "/sandbox/api/people",
        json={"first_name": "赵大爷", "language_code": "zh-hans"},
    )
    assert status == 200
    user_id = created["id"]
    status, _ = await call(
        sandbox,
        "POST",
        f"/sandbox/api/chats/{user_id}/send",
        json={"user_id": user_id, "text": "/start"},
    )
    assert status == 200
    update = (await bot.get_updates())[-1]
    assert update.message is not None
    assert update.message.text == "/start"
    assert update.message.from_user is not None
    assert update.message.from_user.id == user_id

    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="确认收到", callback_data="ack:1")]]
    )
    await bot.send_message(
        user_id, "<b>停水通知</b>\n明天 9:00-12:00", parse_mode="HTML", reply_markup=markup
    )
    status, view = await call(sandbox, "GET", f"/sandbox/api/chats/{user_id}?viewer={user_id}")
    assert status == 200
    mine, from_bot = view["messages"]
    assert mine["from_kind"] == "me"
    assert mine["text"] == "/start"
    assert from_bot["from_kind"] == "bot"
    assert from_bot["text"].startswith("停水通知")
    assert from_bot["entities"][0]["type"] == "bold"
    assert from_bot["inline_keyboard"][0][0]["callback_data"] == "ack:1"

    async def answer_when_tapped() -> None:
        updates = await bot.get_updates(offset=update.update_id + 1, timeout=5)
        query = updates[-1].callback_query
        assert query is not None
        await bot.answer_callback_query(query.id, text="已确认")

    answering = asyncio.create_task(answer_when_tapped())
    status, tapped = await call(
        sandbox,
        "POST",
        f"/sandbox/api/chats/{user_id}/tap",
        json={"user_id": user_id, "message_id": from_bot["message_id"], "data": "ack:1"},
    )
    await answering
    assert status == 200
    assert tapped["answer"]["text"] == "已确认"


async def test_groups_bot_and_blocking_from_the_page(sandbox: Sandbox, bot: Bot) -> None:
    leader = sandbox.add_user("网格长")
    resident = sandbox.add_user("居民")
    status, group = await call(
        sandbox,
        "POST",
        "/sandbox/api/groups",
        json={"title": "文化路5号院", "member_ids": [leader.id, resident.id]},
    )
    assert status == 200
    status, _ = await call(
        sandbox, "POST", f"/sandbox/api/groups/{group['id']}/bot", json={"user_id": leader.id}
    )
    assert status == 200
    assert any(u.my_chat_member for u in await bot.get_updates())
    _, world = await call(sandbox, "GET", "/sandbox/api/state")
    assert world["groups"][0]["bot_member"] is True
    assert [p["name"] for p in world["people"]] == ["网格长", "居民"]

    status, _ = await call(
        sandbox, "POST", f"/sandbox/api/people/{resident.id}/block", json={"blocked": True}
    )
    assert status == 200
    _, world = await call(sandbox, "GET", "/sandbox/api/state")
    assert [p["blocked"] for p in world["people"]] == [False, True]


async def test_photo_from_the_page_reaches_the_bot(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    form = aiohttp.FormData()
    form.add_field("user_id", str(user.id))
    form.add_field("caption", "墙皮脱落")
    form.add_field(
        "file", b"\xff\xd8\xff\xe0fake-jpeg", filename="wall.jpg", content_type="image/jpeg"
    )
    status, _ = await call(sandbox, "POST", f"/sandbox/api/chats/{user.id}/photo", data=form)
    assert status == 200
    message = (await bot.get_updates())[-1].message
    assert message is not None
    assert message.photo
    assert message.caption == "墙皮脱落"
    _, view = await call(sandbox, "GET", f"/sandbox/api/chats/{user.id}?viewer={user.id}")
    status, body = await call(sandbox, "GET", view["messages"][0]["photo_url"])
    assert (status, body) == (200, b"\xff\xd8\xff\xe0fake-jpeg")


async def test_page_api_rejects_bad_input_with_400(sandbox: Sandbox) -> None:
    user = sandbox.add_user("王")
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/sandbox/api/people", {"json": {"first_name": ""}}),
        ("POST", "/sandbox/api/people", {"data": b"not json"}),
        ("POST", f"/sandbox/api/chats/{user.id}/send", {"json": {"user_id": user.id}}),
        ("POST", "/sandbox/api/chats/999/send", {"json": {"user_id": user.id, "text": "x"}}),
        (
            "POST",
            f"/sandbox/api/chats/{user.id}/tap",
            {"json": {"user_id": user.id, "message_id": 1, "data": "x"}},
        ),
        ("GET", "/sandbox/api/chats/notanumber", {}),
    ]
    for method, path, kwargs in cases:
        status, body = await call(sandbox, method, path, **kwargs)
        assert status == 400, (path, body)
        assert body["ok"] is False


async def test_wait_returns_when_the_world_changes(sandbox: Sandbox) -> None:
    _, world = await call(sandbox, "GET", "/sandbox/api/state")
    waiting = asyncio.create_task(
        call(sandbox, "GET", f"/sandbox/api/wait?version={world['version']}&timeout=10")
    )
    await asyncio.sleep(0.2)
    assert not waiting.done()
    sandbox.add_user("新来的")
    status, body = await asyncio.wait_for(waiting, 5)
    assert status == 200
    assert body["version"] > world["version"]


def upload_form(user_id: int, data: bytes, filename: str, content_type: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("user_id", str(user_id))
    form.add_field("file", data, filename=filename, content_type=content_type)
    return form


async def test_a_text_file_sent_with_the_camera_button_is_a_document(
    sandbox: Sandbox, bot: Bot
) -> None:
    user = sandbox.add_user("王")
    for name, mime in [("notes.txt", "text/plain"), ("fake.jpg", "image/jpeg")]:
        form = upload_form(user.id, "楼道灯坏了\n".encode(), name, mime)
        status, _ = await call(sandbox, "POST", f"/sandbox/api/chats/{user.id}/photo", data=form)
        assert status == 200

    messages = [u.message for u in await bot.get_updates()]
    for message, name in zip(messages, ["notes.txt", "fake.jpg"], strict=True):
        assert message is not None
        assert message.photo is None
        assert message.document is not None
        assert message.document.file_name == name
        buffer = io.BytesIO()
        await bot.download(message.document.file_id, buffer)
        assert buffer.getvalue().decode() == "楼道灯坏了\n"
    assert messages[0] is not None
    assert messages[0].document is not None
    assert messages[0].document.mime_type == "text/plain"
    _, view = await call(sandbox, "GET", f"/sandbox/api/chats/{user.id}?viewer={user.id}")
    assert [m["document"]["name"] for m in view["messages"]] == ["notes.txt", "fake.jpg"]
    assert not any("photo_url" in m for m in view["messages"])


async def test_a_picture_is_a_photo_with_its_sizes(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x05\x00\x00\x00\x03\xc0" + b"\x07" * 64
    form = upload_form(user.id, png, "wall.png", "image/png")
    status, _ = await call(sandbox, "POST", f"/sandbox/api/chats/{user.id}/photo", data=form)
    assert status == 200
    message = (await bot.get_updates())[-1].message
    assert message is not None
    assert message.photo
    assert message.document is None
    assert [(p.width, p.height) for p in message.photo] == [
        (90, 67),
        (320, 240),
        (800, 600),
        (1280, 960),
    ]
    assert len({p.file_id for p in message.photo}) == 4
    for size in (message.photo[0], message.photo[-1]):
        file = await bot.get_file(size.file_id)
        assert file.file_path


async def test_the_document_button_sends_even_a_picture_as_a_file(
    sandbox: Sandbox, bot: Bot
) -> None:
    user = sandbox.add_user("王")
    form = upload_form(user.id, b"\x89PNG\r\n\x1a\n" + b"\0" * 24, "plan.png", "image/png")
    status, _ = await call(sandbox, "POST", f"/sandbox/api/chats/{user.id}/document", data=form)
    assert status == 200
    message = (await bot.get_updates())[-1].message
    assert message is not None
    assert message.photo is None
    assert message.document is not None
    assert message.document.file_name == "plan.png"
    assert message.document.mime_type == "image/png"


async def test_a_sticker_from_the_page_reaches_the_bot_as_a_sticker(
    sandbox: Sandbox, bot: Bot
) -> None:
    user = sandbox.add_user("王")
    _, world = await call(sandbox, "GET", "/sandbox/api/state")
    assert [s["emoji"] for s in world["stickers"]] == ["👍", "🙏", "😊"]

    for name in ("thanks", "thanks"):
        status, _ = await call(
            sandbox,
            "POST",
            f"/sandbox/api/chats/{user.id}/sticker",
            json={"user_id": user.id, "sticker": name},
        )
        assert status == 200
    first, second = [u.message for u in await bot.get_updates()]
    assert first is not None
    assert first.sticker is not None
    assert first.text is None
    assert (first.sticker.emoji, first.sticker.type, first.sticker.is_animated) == (
        "🙏",
        "regular",
        False,
    )
    assert second is not None
    assert second.sticker is not None
    assert second.sticker.file_unique_id == first.sticker.file_unique_id  # the same sticker
    file = await bot.get_file(first.sticker.file_id)
    buffer = io.BytesIO()
    await bot.download_file(file.file_path or "", buffer)
    assert buffer.getvalue().startswith(b"<svg")

    status, body = await call(
        sandbox,
        "POST",
        f"/sandbox/api/chats/{user.id}/sticker",
        json={"user_id": user.id, "sticker": "no-such"},
    )
    assert status == 400
    assert body["ok"] is False
    _, view = await call(sandbox, "GET", f"/sandbox/api/chats/{user.id}?viewer={user.id}")
    assert [m["sticker"]["emoji"] for m in view["messages"]] == ["🙏", "🙏"]


async def test_the_favicon_is_served(sandbox: Sandbox) -> None:
    status, _ = await call(sandbox, "GET", "/favicon.ico")
    assert status == 200
    status, html = await call(sandbox, "GET", "/")
    assert 'rel="icon"' in html
