"""The real bot over real HTTP against the sandbox: joining, approval, 429, 403, linking."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from e2e_runner import Running
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import seed_courtyard

from models import GroupChat, GroupKind, Membership, MembershipStatus, OutboxMessage, User
from sandbox import SandboxLimits
from services.clock import utc_now

pytestmark = pytest.mark.e2e
LEADER = 5001  # tests_data.LEADER_ID


def buttons(message: dict[str, Any]) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    return {
        b["text"]: b.get("callback_data", "")
        for row in markup.get("inline_keyboard", [])
        for b in row
    }


async def tap(
    running: Running, user_id: int, message: dict[str, Any], text: str, chat_id: int | None = None
) -> dict[str, Any]:
    """Tap a button; return the tapped message once the bot edited it, or the bot's next one."""
    chat = chat_id if chat_id is not None else user_id
    sandbox = running.sandbox
    before = next(m for m in sandbox.messages(chat) if m["message_id"] == message["message_id"])
    newest = max(m["message_id"] for m in sandbox.messages(chat))
    await sandbox.user_taps(user_id, message["message_id"], buttons(message)[text], chat_id=chat_id)
    for _ in range(200):
        for m in sandbox.messages(chat):
            if m.get("from", {}).get("is_bot") and m["message_id"] > newest:
                return m
            if m["message_id"] == message["message_id"] and (
                m.get("text") != before.get("text")
                or m.get("reply_markup") != before.get("reply_markup")
            ):
                return m
        await asyncio.sleep(0.05)
    raise AssertionError(f"the bot did not answer the tap on {text!r}")


async def wait_until(check: Any, within: float = 10.0) -> None:
    for _ in range(int(within / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


async def join(running: Running, resident: int, invite: str) -> dict[str, Any]:
    sandbox = running.sandbox
    msg = await running.reply_to(
        resident,
        lambda: sandbox.user_sends(resident, f"/start {invite}"),
        predicate=lambda m: bool(buttons(m)),
    )
    msg = await tap(running, resident, msg, "2号楼")
    msg = await tap(running, resident, msg, "1单元")
    msg = await tap(running, resident, msg, "501")
    return await tap(running, resident, msg, "Owner")


async def test_resident_joins_and_leader_approves_over_http(running: Running) -> None:
    data = await seed_courtyard(running.sessions, utc_now())
    sandbox = running.sandbox
    resident = sandbox.add_user("王阿姨", user_id=9101, language_code="en").id
    sandbox.add_user("李网格长", user_id=LEADER, language_code="en")

    sent = await join(running, resident, data["invite"])
    assert "sent to the grid leader" in sent["text"]
    request = await sandbox.wait_for_bot_message(LEADER, predicate=lambda m: bool(buttons(m)))
    assert "王阿姨" in request["text"]
    await tap(running, LEADER, request, "✅ 同意")
    welcome = await sandbox.wait_for_bot_message(
        resident, after_message_id=sent["message_id"], predicate=lambda m: "Welcome" in m["text"]
    )
    assert "2号楼-1单元-501" in welcome["text"]
    async with running.sessions() as session:
        [membership] = (await session.scalars(select(Membership))).all()
        assert membership.status is MembershipStatus.APPROVED


@pytest.mark.parametrize(
    "limits", [SandboxLimits(enabled=True, private_per_second=0.5, private_burst=1)]
)
async def test_429_from_the_sandbox_delays_and_retries_without_loss(running: Running) -> None:
    """Four join requests to one leader, with the sandbox allowing one message per 2 s per chat
    (stricter than the sender's own 1/s pacing): 429s come back, the sender waits and retries,
    and every request arrives exactly once."""
    data = await seed_courtyard(running.sessions, utc_now())
    sandbox = running.sandbox
    sandbox.add_user("李网格长", user_id=LEADER)
    for i in range(4):
        resident = sandbox.add_user(f"居民{i}", user_id=9200 + i, language_code="en").id
        await join(running, resident, data["invite"])

    async def all_sent() -> bool:
        async with running.sessions() as session:
            rows = (await session.scalars(select(OutboxMessage))).all()
            return len(rows) == 4 and all(r.status == "sent" for r in rows)

    await wait_until(all_sent, within=30)
    requests = [m for m in sandbox.messages(LEADER) if buttons(m)]
    assert len(requests) == 4  # every join request arrived exactly once
    assert sandbox.stats.too_many_requests >= 1  # and the limit really was hit


async def test_blocked_leader_is_marked_blocked(running: Running) -> None:
    data = await seed_courtyard(running.sessions, utc_now())
    sandbox = running.sandbox
    sandbox.add_user("李网格长", user_id=LEADER)
    sandbox.block_bot(LEADER)
    resident = sandbox.add_user("赵大爷", user_id=9301, language_code="en").id
    await join(running, resident, data["invite"])

    async def leader_blocked() -> bool:
        async with running.sessions() as session:
            user = await session.scalar(select(User).where(User.telegram_id == LEADER))
            return bool(user and user.blocked)

    await wait_until(leader_blocked)
    assert sandbox.stats.forbidden >= 1
    async with running.sessions() as session:
        [row] = (await session.scalars(select(OutboxMessage))).all()
        assert row.status == "blocked"


async def test_group_chat_is_linked(
    running: Running, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await seed_courtyard(running.sessions, utc_now())
    sandbox = running.sandbox
    sandbox.add_user("李网格长", user_id=LEADER, language_code="en")
    group = sandbox.add_group("纬三路13号院 工作群", [LEADER])
    greeting = await running.reply_to(group.id, lambda: sandbox.add_bot_to_group(group.id, LEADER))
    assert "/link" in greeting["text"]
    choice = await running.reply_to(
        group.id,
        lambda: sandbox.user_sends(LEADER, "/link", chat_id=group.id),
        predicate=lambda m: bool(buttons(m)),
    )
    done = await tap(running, LEADER, choice, "纬三路13号院 · 工作人员群", chat_id=group.id)
    assert "工作人员群" in done["text"]  # a group hears the courtyard's language
    async with sessions() as session:
        linked = await session.get(GroupChat, group.id)
        assert linked is not None
        assert linked.kind is GroupKind.STAFF
