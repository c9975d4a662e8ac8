"""Files in and out, flood limits (429 with retry_after) and blocked users (403)."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BufferedInputFile
from sandbox_testkit import FakeClock, make_bot

from sandbox import Sandbox, SandboxLimits

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0" + b"\x07" * 64
StartSandbox = Callable[..., Awaitable[Sandbox]]


async def test_photo_upload_get_file_and_download(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    sent = await bot.send_photo(user.id, BufferedInputFile(PNG, "leak.png"), caption="漏水照片")
    assert sent.photo is not None
    assert sent.caption == "漏水照片"
    size = sent.photo[-1]
    assert (size.width, size.height) == (640, 480)

    file = await bot.get_file(size.file_id)
    assert file.file_path
    assert file.file_size == len(PNG)
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, buffer)
    assert buffer.getvalue() == PNG

    again = await bot.send_photo(user.id, size.file_id)  # a file_id is reused, not re-uploaded
    assert again.photo is not None
    assert again.photo[-1].file_unique_id == size.file_unique_id
    with pytest.raises(Exception, match="wrong file identifier"):
        await bot.send_photo(user.id, "no-such-file-id")


async def test_document_and_voice_from_the_bot(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    doc = await bot.send_document(user.id, BufferedInputFile(b"a,b\n1,2\n", "ledger.csv"))
    assert doc.document is not None
    assert doc.document.file_name == "ledger.csv"
    voice = await bot.send_voice(
        user.id, BufferedInputFile(b"OggS" + b"\0" * 20, "v.ogg"), duration=4
    )
    assert voice.voice is not None
    assert voice.voice.duration == 4


async def test_user_photo_and_voice_can_be_downloaded(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    await sandbox.user_sends_photo(user.id, PNG, caption="楼道灯坏了")
    await sandbox.user_sends_voice(user.id, b"OggS-voice", duration=7)
    photo_update, voice_update = await bot.get_updates()
    assert photo_update.message is not None
    assert photo_update.message.photo
    assert photo_update.message.caption == "楼道灯坏了"
    assert voice_update.message is not None
    assert voice_update.message.voice
    assert voice_update.message.voice.duration == 7
    buffer = io.BytesIO()
    await bot.download(voice_update.message.voice.file_id, buffer)
    assert buffer.getvalue() == b"OggS-voice"


async def test_private_chat_limit_gives_retry_after(
    start_sandbox: StartSandbox, clock: FakeClock
) -> None:
    sandbox = await start_sandbox(
        clock=clock, limits=SandboxLimits(private_burst=3, private_per_second=1.0)
    )
    bot = make_bot(sandbox)
    try:
        user = sandbox.add_user("王")
        for n in range(3):
            await bot.send_message(user.id, f"burst {n}")
        with pytest.raises(TelegramRetryAfter) as refused:
            await bot.send_message(user.id, "one too many")
        assert refused.value.retry_after == 1
        assert sandbox.stats.too_many_requests == 1
        other = sandbox.add_user("李")
        await bot.send_message(other.id, "another chat is not limited")
        clock.advance(1.0)
        await bot.send_message(user.id, "after waiting")
        # edits do not count as sends
        await bot.edit_message_text("edited", chat_id=user.id, message_id=1)
        assert [chat for _, chat, _ in sandbox.stats.sends].count(user.id) == 4
        assert sandbox.stats.requests["sendMessage"] == 6
    finally:
        await bot.session.close()


async def test_group_limit_is_per_minute(start_sandbox: StartSandbox, clock: FakeClock) -> None:
    sandbox = await start_sandbox(clock=clock, limits=SandboxLimits(group_per_minute=20))
    bot = make_bot(sandbox)
    try:
        member = sandbox.add_user("王")
        group = sandbox.add_group("都市A座", [member.id])
        await sandbox.add_bot_to_group(group.id, member.id)
        for n in range(20):
            await bot.send_message(group.id, f"notice {n}")
            clock.advance(1.0)  # 20 messages over 20 seconds: well within 30/s
        with pytest.raises(TelegramRetryAfter) as refused:
            await bot.send_message(group.id, "21st")
        assert refused.value.retry_after == 40  # the first send leaves the window at 60 s
        clock.advance(40.0)
        await bot.send_message(group.id, "fits again")
    finally:
        await bot.session.close()


async def test_global_limit_across_chats(start_sandbox: StartSandbox, clock: FakeClock) -> None:
    sandbox = await start_sandbox(clock=clock, limits=SandboxLimits(global_per_second=5))
    bot = make_bot(sandbox)
    try:
        users = [sandbox.add_user(f"u{n}") for n in range(6)]
        for user in users[:5]:
            await bot.send_message(user.id, "hi")
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(users[5].id, "hi")
    finally:
        await bot.session.close()


async def test_limits_off_never_answers_429(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    for n in range(40):
        await bot.send_message(user.id, f"{n}")
    assert sandbox.stats.too_many_requests == 0
    assert len(sandbox.stats.sends) == 40


async def test_blocked_user_gives_forbidden(sandbox: Sandbox, bot: Bot) -> None:
    user = sandbox.add_user("王")
    await bot.send_message(user.id, "before")
    sandbox.block_bot(user.id)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(user.id, "after")
    assert sandbox.stats.forbidden == 1
    kicked = [u.my_chat_member for u in await bot.get_updates() if u.my_chat_member]
    assert kicked
    assert kicked[0].new_chat_member.status == "kicked"
    sandbox.block_bot(user.id, False)
    await bot.send_message(user.id, "unblocked")


async def test_the_bot_can_send_a_sandbox_sticker_by_its_file_id(
    sandbox: Sandbox, bot: Bot
) -> None:
    from sandbox.stickers import STICKERS

    user = sandbox.add_user("王")
    await sandbox.user_sends_sticker(user.id, "smile")
    received = (await bot.get_updates())[-1].message
    assert received is not None
    assert received.sticker is not None

    sent = await bot.send_sticker(user.id, received.sticker.file_id)
    assert sent.sticker is not None
    assert sent.sticker.emoji == "😊"
    assert sent.sticker.file_unique_id == received.sticker.file_unique_id
    assert sent.sticker.set_name == received.sticker.set_name
    uploaded = await bot.send_sticker(user.id, BufferedInputFile(b"RIFF0000WEBP", "s.webp"))
    assert uploaded.sticker is not None
    assert uploaded.sticker.file_id not in {s.file_id for s in STICKERS}
    assert [m.get("sticker", {}).get("emoji") for m in sandbox.messages(user.id)] == [
        "😊",
        "😊",
        None,
    ]


async def test_edits_are_counted_apart_from_sends(
    start_sandbox: StartSandbox, clock: FakeClock
) -> None:
    sandbox = await start_sandbox(clock=clock, limits=SandboxLimits())
    bot = make_bot(sandbox)
    try:
        member = sandbox.add_user("王")
        group = sandbox.add_group("都市A座", [member.id])
        await sandbox.add_bot_to_group(group.id, member.id)
        card = await bot.send_message(group.id, "已投 0 户")
        clock.advance(10.0)
        await bot.edit_message_text("已投 5 户", chat_id=group.id, message_id=card.message_id)
        assert [(chat, method) for _, chat, method in sandbox.stats.sends] == [
            (group.id, "sendMessage")
        ]
        assert [(at, chat) for at, chat, _ in sandbox.stats.edits] == [(clock(), group.id)]
    finally:
        await bot.session.close()
