"""A repair over real HTTP against the sandbox: a voice description and an uploaded photo, the
card in the staff group with a Claim button, the claim editing the card, and the worker seeing
the resident's photo (sent again by file id, as Telegram allows)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from e2e_runner import Running
from sqlalchemy import select
from test_bot_over_http import buttons, tap
from tests_data import LEADER_ID, seed_courtyard
from tickets_data import RESIDENT_ID, WORKER_ID, seed_ticket_people

from models import Ticket, TicketMedia, TicketStatus
from services.clock import utc_now

pytestmark = pytest.mark.e2e
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def bot_says(running: Running, chat_id: int, text: str) -> dict[str, Any]:
    return await running.sandbox.wait_for_bot_message(
        chat_id, predicate=lambda m: text in (m.get("text") or m.get("caption") or ""), timeout=10
    )


def message(running: Running, chat_id: int, message_id: int) -> dict[str, Any]:
    return next(m for m in running.sandbox.messages(chat_id) if m["message_id"] == message_id)


async def test_report_by_voice_and_photo_then_claim_in_the_staff_group(running: Running) -> None:
    sandbox = running.sandbox
    data = await seed_courtyard(running.sessions, utc_now())
    await seed_ticket_people(running.sessions, utc_now(), data["id"])
    for user_id, name in ((RESIDENT_ID, "王阿姨"), (LEADER_ID, "李网格长"), (WORKER_ID, "张师傅")):
        sandbox.add_user(name, user_id=user_id, language_code="en")
    group = sandbox.add_group("维修群", [LEADER_ID, WORKER_ID])
    await sandbox.add_bot_to_group(group.id, LEADER_ID)
    choice = await running.reply_to(
        group.id,
        lambda: sandbox.user_sends(LEADER_ID, "/link", chat_id=group.id),
        predicate=lambda m: bool(buttons(m)),
    )
    await tap(running, LEADER_ID, choice, "纬三路13号院 · 工作人员群", chat_id=group.id)

    await sandbox.user_sends(RESIDENT_ID, "/report")
    categories = await bot_says(running, RESIDENT_ID, "What is the problem about?")
    await tap(running, RESIDENT_ID, categories, "🚰 Water / plumbing")
    await sandbox.user_sends_voice(RESIDENT_ID, b"OggS-voice-note", duration=7)
    await bot_says(running, RESIDENT_ID, "photos")
    await sandbox.user_sends_photo(RESIDENT_ID, PNG)
    received = await bot_says(running, RESIDENT_ID, "Photo 1 of 5 received")
    await tap(running, RESIDENT_ID, received, "✅ Done")
    where = await sandbox.wait_for_bot_message(
        RESIDENT_ID, predicate=lambda m: "🏠 In my home" in buttons(m)
    )
    urgency = await tap(running, RESIDENT_ID, where, "🏠 In my home")
    summary = await tap(running, RESIDENT_ID, urgency, "Normal")
    assert "Voice message, 7 s" in summary["text"]
    await tap(running, RESIDENT_ID, summary, "✅ File it")
    await bot_says(running, RESIDENT_ID, "WSL-0001")

    card = await sandbox.wait_for_bot_message(
        group.id, predicate=lambda m: "WSL-0001" in (m.get("text") or "")
    )
    assert "🙋 接单" in buttons(card)  # the staff group hears the courtyard's language
    await tap(running, WORKER_ID, card, "🙋 接单", chat_id=group.id)
    for _ in range(100):  # the card is edited through the outbox
        edited = next(
            m for m in sandbox.messages(group.id) if m["message_id"] == card["message_id"]
        )
        if "张师傅 已于" in edited["text"] and "🙋 接单" not in buttons(edited):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the card never showed who took the ticket")
    await bot_says(running, RESIDENT_ID, "张师傅 has taken your repair request WSL-0001")

    # the worker looks at the resident's photo: the bot sends it again by its file id
    edited = message(running, group.id, card["message_id"])
    shown = await tap(running, WORKER_ID, edited, "📷 照片（1）", chat_id=group.id)
    assert shown.get("photo"), "the photo itself is shown"
    async with aiohttp.ClientSession() as http:
        file = await running.runtime.bot.get_file(shown["photo"][-1]["file_id"])
        async with http.get(
            f"{sandbox.api_url}/file/bot{running.runtime.bot.token}/{file.file_path}"
        ) as response:
            assert await response.read() == PNG

    async with running.sessions() as session:
        ticket = await session.scalar(select(Ticket))
        assert ticket is not None
        assert ticket.status is TicketStatus.CLAIMED
        kinds = sorted(m.kind for m in await session.scalars(select(TicketMedia)))
        assert kinds == ["photo", "voice"]
