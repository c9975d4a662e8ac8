"""Updates reach the bot: long polling with offsets, callback queries, webhooks, groups."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web
from sandbox_testkit import make_bot

from sandbox import Sandbox


async def test_get_updates_offsets_confirm_earlier_updates(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王阿姨")
    await sandbox.user_sends(user.id, "/start join-XYZ")
    await sandbox.user_sends(user.id, "你好")

    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["/start join-XYZ", "你好"]
    start = updates[0].message
    assert start is not None
    assert start.entities is not None
    assert (start.entities[0].type, start.entities[0].length) == ("bot_command", 6)
    assert start.from_user is not None
    assert start.from_user.language_code == "zh-hans"

    # without an offset nothing is confirmed yet
    assert len(await bot.get_updates()) == 2
    later = await bot.get_updates(offset=updates[1].update_id)
    assert [u.update_id for u in later] == [updates[1].update_id]
    assert await bot.get_updates(offset=updates[1].update_id + 1) == []
    assert len(await bot.get_updates(limit=5)) == 0


async def test_long_poll_wakes_up_when_a_user_sends(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("李")
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    await sandbox.user_sends(user.id, "hi")
    updates = await asyncio.wait_for(poll, 5)  # woken by the message, long before 10 s
    assert updates[0].message is not None
    assert updates[0].message.text == "hi"


async def test_long_poll_times_out_empty(sandbox: Sandbox, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=1))
    await asyncio.sleep(0.2)
    assert not poll.done()  # it waits for an update rather than answering at once
    assert await asyncio.wait_for(poll, 5) == []


async def test_callback_query_flow(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="赞成", callback_data="vote:1:yes"),
                InlineKeyboardButton(text="反对", callback_data="vote:1:no"),
            ]
        ]
    )
    sent = await bot.send_message(user.id, "是否同意方案B?", reply_markup=markup)

    with pytest.raises(LookupError):
        await sandbox.user_taps(user.id, sent.message_id, "vote:1:maybe")
    query_id = await sandbox.user_taps(user.id, sent.message_id, "vote:1:yes")
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (query_id, "vote:1:yes", user.id)
    assert query.message is not None
    assert query.message.message_id == sent.message_id

    assert await bot.answer_callback_query(query_id, text="已投票", show_alert=True)
    assert sandbox.answered_callbacks == [
        {"callback_query_id": query_id, "text": "已投票", "show_alert": True, "url": None}
    ]
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("nonsense")

    tapped = await sandbox.user_taps_text(user.id, "反对")
    assert tapped["data"] == "vote:1:no"
    assert tapped["message_id"] == sent.message_id


async def test_bot_added_to_group_gets_my_chat_member(sandbox: Sandbox, bot: Bot) -> None:
    leader, resident = sandbox.add_user("网格长"), sandbox.add_user("居民")
    group = sandbox.add_group("纬三路13号院 议事群", [resident.id, leader.id])
    assert group.id < 0
    with pytest.raises(Exception, match="not a member"):
        await bot.send_message(group.id, "too early")
    await sandbox.add_bot_to_group(group.id, by_user_id=leader.id)

    updates = await bot.get_updates()
    member_update = next(u.my_chat_member for u in updates if u.my_chat_member)
    assert member_update.chat.id == group.id
    assert member_update.chat.type == "supergroup"
    assert member_update.from_user.id == leader.id
    assert member_update.old_chat_member.status == "left"
    assert member_update.new_chat_member.status == "member"
    assert member_update.new_chat_member.user.id == 123456
    joined = next(u.message for u in updates if u.message)
    assert joined.new_chat_members is not None
    assert joined.new_chat_members[0].id == 123456

    assert (await bot.get_chat_member(group.id, leader.id)).status == "administrator"
    assert (await bot.get_chat_member(group.id, resident.id)).status == "creator"
    admins = await bot.get_chat_administrators(group.id)
    assert {a.user.id for a in admins} == {leader.id, resident.id}
    chat = await bot.get_chat(group.id)
    assert chat.title == "纬三路13号院 议事群"

    await sandbox.user_sends(resident.id, f"/help@{sandbox.bot_username}", chat_id=group.id)
    message = (await bot.get_updates(offset=updates[-1].update_id + 1))[0].message
    assert message is not None
    assert message.chat.id == group.id
    assert message.entities is not None
    assert message.entities[0].length == len(f"/help@{sandbox.bot_username}")
    sent = await bot.send_message(group.id, "欢迎")
    assert sent.chat.type == "supergroup"
    assert await bot.pin_chat_message(group.id, sent.message_id)
    pinned = (await bot.get_chat(group.id)).pinned_message
    assert pinned is not None
    assert pinned.message_id == sent.message_id


async def test_webhook_delivery_with_secret_and_retry(sandbox: Sandbox, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = {"left": 1}

    async def hook(request: web.Request) -> web.Response:
        if failures["left"]:
            failures["left"] -= 1
            return web.Response(status=500)
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        user = sandbox.add_user("王")
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook")
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()
        await sandbox.user_sends(user.id, "via webhook")
        for _ in range(50):
            if received:
                break
            await asyncio.sleep(0.1)
        assert received, "webhook never delivered"
        secret, update = received[0]
        assert secret == "s3cret"
        assert update["message"]["text"] == "via webhook"
        assert (await bot.get_webhook_info()).last_error_message is not None  # the 500
        await bot.delete_webhook()
        assert await bot.get_updates() == []
    finally:
        await runner.cleanup()


async def test_webhook_reply_method_is_executed(sandbox: Sandbox, bot: Bot) -> None:
    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        return web.json_response(
            {"method": "sendMessage", "text": "echo", "chat_id": update["message"]["chat"]["id"]}
        )

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        user = sandbox.add_user("王")
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/hook")
        await sandbox.user_sends(user.id, "ping")
        reply = await sandbox.wait_for_bot_message(user.id, timeout=5)
        assert reply["text"] == "echo"
    finally:
        await runner.cleanup()


async def test_two_tokens_each_get_their_own_cursor(sandbox: Sandbox, bot: Bot) -> None:
    other = make_bot(sandbox, "777:other-token")
    try:
        user = sandbox.add_user("王")
        await sandbox.user_sends(user.id, "hello both")
        first = await bot.get_updates()
        second = await other.get_updates()
        assert [u.message.text for u in first if u.message] == ["hello both"]
        assert [u.message.text for u in second if u.message] == ["hello both"]
        await bot.get_updates(offset=first[-1].update_id + 1)
        assert len(await other.get_updates()) == 1  # confirming on one token leaves the other
        sent = await other.send_message(user.id, "from other")
        assert sent.from_user is not None
        assert sent.from_user.id == 777
    finally:
        await other.session.close()


async def test_second_poller_terminates_the_first(sandbox: Sandbox, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError):
        await asyncio.wait_for(first, 3)
    assert await second == []


async def test_wait_for_bot_message_times_out(sandbox: Sandbox) -> None:
    user = sandbox.add_user("王")
    with pytest.raises(TimeoutError):
        await sandbox.wait_for_bot_message(user.id, timeout=0.3)


async def test_two_sandboxes_are_independent(start_sandbox: Any) -> None:
    one, two = await start_sandbox(), await start_sandbox()
    assert one.api_url != two.api_url
    user = one.add_user("王", user_id=5)
    await one.user_sends(user.id, "only in one")
    bot_one, bot_two = make_bot(one), make_bot(two)
    try:
        assert len(await bot_one.get_updates()) == 1
        assert await bot_two.get_updates() == []
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot_two.send_message(5, "x")
    finally:
        await bot_one.session.close()
        await bot_two.session.close()
