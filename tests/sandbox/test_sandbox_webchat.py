"""The web chat's page and JSON API, with a real bot on the other side."""

from __future__ import annotations

import asyncio
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
    assert status == 200 and "@media" in css
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
    assert update.message is not None and update.message.text == "/start"
    assert update.message.from_user is not None and update.message.from_user.id == user_id

    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="确认收到", callback_data="ack:1")]]
    )
    await bot.send_message(
        user_id, "<b>停水通知</b>\n明天 9:00-12:00", parse_mode="HTML", reply_markup=markup
    )
    status, view = await call(sandbox, "GET", f"/sandbox/api/chats/{user_id}?viewer={user_id}")
    assert status == 200
    mine, from_bot = view["messages"]
    assert mine["from_kind"] == "me" and mine["text"] == "/start"
    assert from_bot["from_kind"] == "bot" and from_bot["text"].startswith("停水通知")
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
    assert status == 200 and tapped["answer"]["text"] == "已确认"


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
    assert message is not None and message.photo and message.caption == "墙皮脱落"
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
    assert status == 200 and body["version"] > world["version"]
