"""The outbox sender against a fake Telegram in virtual time: pacing measured from the
timestamps Telegram saw, 429 / 403 / other errors, a restart mid-drain, and rendering in the
recipient's language at send time."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage, TelegramMethod
from harness import Sent, World
from sqlalchemy import select

from bot.features import render_table
from bot.sender import OutboxSender, SenderSettings
from models import OutboxMessage, OutboxStatus, User
from services import outbox
from services.access import Role
from services.clock import FixedClock
from services.membership_messages import MembershipApproved

GROUP = -100_500
BUSY = 8000  # one private chat that gets many messages


async def add_users(
    world: World, telegram_ids: list[int], language_code: str | None = "en"
) -> dict[int, int]:
    """telegram id -> user id."""
    async with world.sessions() as session, session.begin():
        users = [
            User(
                telegram_id=t,
                name=f"居民{t}",
                language_code=language_code,
                created_at=world.clock(),
            )
            for t in telegram_ids
        ]
        session.add_all(users)
        await session.flush()
        return {u.telegram_id: u.id for u in users if u.telegram_id is not None}


def approved(n: int) -> MembershipApproved:
    return MembershipApproved(
        courtyard="都市A座", household=f"A-{n}", leader="李网格长", roles=(Role.RESIDENT,)
    )


async def enqueue(
    world: World, key: str, *, user_id: int | None = None, chat_id: int | None = None
) -> None:
    async with world.sessions() as session, session.begin():
        assert await outbox.enqueue(
            session,
            approved(len(key)),
            dedupe_key=key,
            now=world.clock(),
            user_id=user_id,
            chat_id=chat_id,
        )


async def rows(world: World) -> list[OutboxMessage]:
    async with world.sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def delivered(world: World) -> list[Sent]:
    """Messages Telegram accepted (a failed request has no message id)."""
    return [
        s
        for s in world.telegram.requests
        if isinstance(s.method, SendMessage) and s.message_id is not None
    ]


def attempts_to(world: World, chat_id: int) -> list[Sent]:
    return [
        s
        for s in world.telegram.requests
        if isinstance(s.method, SendMessage) and s.chat_id == chat_id
    ]


def most_in_window(times: list[float], window: float) -> int:
    """The most sends in any half-open window of `window` seconds (float noise forgiven)."""
    times = sorted(times)
    most = 0
    for i, start in enumerate(times):
        most = max(most, sum(1 for t in times[i:] if t < start + window - 1e-6))
    return most


def sends_to(chat_id: int) -> Callable[[TelegramMethod[Any]], bool]:
    return lambda m: isinstance(m, SendMessage) and int(m.chat_id) == chat_id


# ---- pacing ----------------------------------------------------------------------------------


async def test_pacing_over_two_hundred_messages(world: World) -> None:
    residents = list(range(9000, 9140))
    ids = await add_users(world, [*residents, BUSY])
    plan: list[tuple[str, dict[str, int]]] = (
        [(f"resident:{t}", {"user_id": ids[t]}) for t in residents]
        + [(f"group:{n}", {"chat_id": GROUP}) for n in range(50)]
        + [(f"busy:{n}", {"user_id": ids[BUSY]}) for n in range(10)]
    )
    random.Random(7).shuffle(plan)  # as they would come: mixed
    for key, to in plan:
        await enqueue(world, key, **to)

    took = await world.deliver_all()

    sent = delivered(world)
    assert len(sent) == 200
    assert all(r.status is OutboxStatus.SENT for r in await rows(world))
    per_chat: dict[int, list[float]] = defaultdict(list)
    for s in sent:
        assert s.chat_id is not None
        per_chat[s.chat_id].append(s.at)
    assert len(per_chat[GROUP]) == 50
    assert len(per_chat[BUSY]) == 10
    assert all(len(per_chat[t]) == 1 for t in residents)

    # the overall rate: no second with more than 25
    assert most_in_window([s.at for s in sent], 1.0) <= 25
    # about one a second to a private chat
    busy = sorted(per_chat[BUSY])
    assert min(b - a for a, b in itertools.pairwise(busy)) >= 1.0 - 1e-6
    # at most 20 a minute to a group
    assert most_in_window(per_chat[GROUP], 60.0) <= 20
    # ... and no slower than that allows: 50 to one group take two minutes and a bit
    assert 120.0 <= took < 130.0
    # the residents are not held up behind the group
    assert max(max(per_chat[t]) for t in residents) - min(s.at for s in sent) < 15.0


async def test_a_slower_overall_rate(world: World) -> None:
    world.sender = world.new_sender(SenderSettings(per_second=5.0, idle_wait=0.01))
    ids = await add_users(world, list(range(9000, 9030)))
    for telegram_id, user_id in ids.items():
        await enqueue(world, f"r:{telegram_id}", user_id=user_id)

    await world.deliver_all()

    times = [s.at for s in delivered(world)]
    assert len(times) == 30
    assert most_in_window(times, 1.0) <= 5
    assert max(times) - min(times) >= 29 / 5 - 1e-6


# ---- 429: wait as told -----------------------------------------------------------------------


async def test_too_many_requests_waits_retry_after_and_loses_nothing(world: World) -> None:
    ids = await add_users(world, [9001, 9002])
    world.telegram.fail_once(
        sends_to(9001),
        TelegramRetryAfter(
            method=SendMessage(chat_id=9001, text="x"),
            message="Too Many Requests: retry after 7",
            retry_after=7,
        ),
    )
    await enqueue(world, "a", user_id=ids[9001])
    await enqueue(world, "b", user_id=ids[9002])

    await world.deliver()
    first = {r.dedupe_key: r for r in await rows(world)}
    assert first["a"].status is OutboxStatus.PENDING
    assert first["a"].attempts == 0  # not a failed attempt
    assert first["a"].last_error is not None
    assert "retry after 7" in first["a"].last_error
    assert first["b"].status is OutboxStatus.SENT  # others go on meanwhile

    await world.deliver_all()

    tries = attempts_to(world, 9001)
    assert len(tries) == 2
    assert tries[0].message_id is None
    assert tries[1].message_id is not None
    assert tries[1].at - tries[0].at >= 7.0 - 1e-6
    final = {r.dedupe_key: r for r in await rows(world)}
    assert final["a"].status is OutboxStatus.SENT
    assert final["a"].attempts == 1
    assert final["a"].last_error is None
    assert final["a"].telegram_message_id == tries[1].message_id


# ---- 403: blocked ----------------------------------------------------------------------------


async def test_a_person_who_blocked_the_bot_gets_nothing_until_they_write(
    world: World,
) -> None:
    ids = await add_users(world, [9001, 9002])
    world.telegram.blocked.add(9001)
    for n in range(3):
        await enqueue(world, f"blocked:{n}", user_id=ids[9001])
    await enqueue(world, "other", user_id=ids[9002])

    await world.deliver_all()

    assert len(attempts_to(world, 9001)) == 1  # told once; then no more tries
    by_key = {r.dedupe_key: r for r in await rows(world)}
    assert [by_key[f"blocked:{n}"].status for n in range(3)] == [OutboxStatus.BLOCKED] * 3
    assert "blocked" in (by_key["blocked:0"].last_error or "")
    assert by_key["other"].status is OutboxStatus.SENT
    async with world.sessions() as session:
        person = await session.get(User, ids[9001])
        assert person is not None
        assert person.blocked

    await enqueue(world, "later", user_id=ids[9001])
    await world.deliver_all()
    assert len(attempts_to(world, 9001)) == 1
    assert {r.dedupe_key: r for r in await rows(world)}["later"].status is OutboxStatus.BLOCKED

    # they unblock the bot and write to it: they are reachable again
    world.telegram.blocked.discard(9001)
    await world.person("居民9001", 9001, language_code="en").sends("/start")
    async with world.sessions() as session:
        person = await session.get(User, ids[9001])
        assert person is not None
        assert not person.blocked
    await enqueue(world, "after", user_id=ids[9001])
    await world.deliver_all()
    assert {r.dedupe_key: r for r in await rows(world)}["after"].status is OutboxStatus.SENT
    welcome = [s for s in delivered(world) if s.chat_id == 9001]
    assert len(welcome) == 2  # the reply to /start, and the new message; the old ones stay


# ---- other errors: bounded retries -----------------------------------------------------------


async def test_server_errors_are_retried_with_backoff_then_failed(world: World) -> None:
    ids = await add_users(world, [9001])
    for _ in range(5):
        world.telegram.fail_once(
            sends_to(9001),
            TelegramServerError(method=SendMessage(chat_id=9001, text="x"), message="Bad Gateway"),
        )
    await enqueue(world, "doomed", user_id=ids[9001])

    await world.deliver_all()

    tries = attempts_to(world, 9001)
    assert len(tries) == 5  # SenderSettings.max_attempts
    gaps = [b.at - a.at for a, b in itertools.pairwise(tries)]
    assert [round(g) for g in gaps] == [10, 20, 40, 80]  # backoff doubles from 10 s
    [row] = await rows(world)
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == 5
    assert row.last_error is not None
    assert "Bad Gateway" in row.last_error


async def test_a_passing_network_error_is_retried_and_sent(world: World) -> None:
    ids = await add_users(world, [9001])
    for _ in range(2):
        world.telegram.fail_once(
            sends_to(9001),
            TelegramNetworkError(method=SendMessage(chat_id=9001, text="x"), message="timeout"),
        )
    await enqueue(world, "flaky", user_id=ids[9001])

    await world.deliver_all()

    [row] = await rows(world)
    assert row.status is OutboxStatus.SENT
    assert row.attempts == 3
    assert len([s for s in delivered(world) if s.chat_id == 9001]) == 1


async def test_a_bad_request_fails_at_once_and_the_queue_goes_on(world: World) -> None:
    ids = await add_users(world, [9001, 9002])
    world.telegram.fail_once(
        sends_to(9001),
        TelegramBadRequest(
            method=SendMessage(chat_id=9001, text="x"), message="Bad Request: chat not found"
        ),
    )
    await enqueue(world, "bad", user_id=ids[9001])
    await enqueue(world, "good", user_id=ids[9002])

    await world.deliver_all()

    by_key = {r.dedupe_key: r for r in await rows(world)}
    assert by_key["bad"].status is OutboxStatus.FAILED
    assert "chat not found" in (by_key["bad"].last_error or "")
    assert by_key["good"].status is OutboxStatus.SENT
    assert len(attempts_to(world, 9001)) == 1


async def test_an_unexpected_telegram_error_does_not_stop_the_queue(world: World) -> None:
    ids = await add_users(world, [9001, 9002])
    world.telegram.fail_once(
        sends_to(9001),
        TelegramAPIError(method=SendMessage(chat_id=9001, text="x"), message="I'm a teapot"),
    )
    await enqueue(world, "odd", user_id=ids[9001])
    await enqueue(world, "next", user_id=ids[9002])

    await world.deliver_all()

    by_key = {r.dedupe_key: r for r in await rows(world)}
    assert by_key["next"].status is OutboxStatus.SENT
    assert by_key["odd"].status is OutboxStatus.SENT  # retried, like any passing trouble
    assert by_key["odd"].attempts == 2


async def test_the_sender_loop_survives_a_store_error(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await add_users(world, [9001])
    await enqueue(world, "a", user_id=ids[9001])
    real_claim = outbox.claim_due
    calls = Counter[str]()

    async def flaky_claim(*args: Any, **kwargs: Any) -> list[outbox.Due]:
        calls["claim"] += 1
        if calls["claim"] == 1:
            raise OSError("disk I/O error")
        return await real_claim(*args, **kwargs)

    monkeypatch.setattr(outbox, "claim_due", flaky_claim)
    task = asyncio.create_task(world.sender.run())
    try:
        for _ in range(200):
            await asyncio.sleep(0.01)
            if delivered(world):
                break
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert calls["claim"] >= 2
    assert [s.chat_id for s in delivered(world)] == [9001]


# ---- a restart in the middle of a drain ------------------------------------------------------


async def test_a_restart_mid_drain_loses_nothing_and_sends_nothing_twice(world: World) -> None:
    residents = list(range(9000, 9120))
    ids = await add_users(world, residents)
    for telegram_id in residents:
        await enqueue(world, f"r:{telegram_id}", user_id=ids[telegram_id])

    count = Counter[str]()

    def thirtieth_send(method: TelegramMethod[Any]) -> bool:
        if isinstance(method, SendMessage):
            count["sends"] += 1
        return count["sends"] == 30

    # the process dies while the 30th message is on its way
    world.telegram.fail_once(thirtieth_send, asyncio.CancelledError())
    with pytest.raises(asyncio.CancelledError):
        await world.deliver()
    assert len(delivered(world)) == 29
    statuses = Counter(r.status for r in await rows(world))
    assert statuses[OutboxStatus.SENT] == 29
    assert statuses[OutboxStatus.SENDING] == 21  # the rest of its claimed batch, under lease
    assert statuses[OutboxStatus.PENDING] == 70

    restarted = world.new_sender()
    took = await world.deliver_all(sender=restarted)

    per_chat = Counter(s.chat_id for s in delivered(world))
    assert set(per_chat) == set(residents)
    assert set(per_chat.values()) == {1}  # each exactly once
    final = await rows(world)
    assert len(final) == 120
    assert all(r.status is OutboxStatus.SENT for r in final)
    # the leased rows came back once the short lease ran out: within seconds, not minutes
    lease = SenderSettings().lease.total_seconds()
    assert lease <= 15
    assert lease - 1 <= took < lease + 10


async def test_a_long_batch_keeps_its_lease_and_a_second_sender_takes_nothing_of_it(
    world: World,
) -> None:
    """At 2 messages a second a batch of 50 takes 25 s, longer than a lease: the sender renews
    it as it goes, so another sender looking in meanwhile finds nothing to take."""
    residents = list(range(9000, 9050))
    ids = await add_users(world, residents)
    for telegram_id in residents:
        await enqueue(world, f"r:{telegram_id}", user_id=ids[telegram_id])
    second = world.new_sender()
    took_over: list[int] = []

    async def sleep_and_let_another_sender_look(seconds: float) -> None:
        await world.time.sleep(seconds)
        took_over.append(await second.drain_once())

    first = OutboxSender(
        world.bot,
        world.sessions,
        world.i18n,
        world.policy,
        renderers=render_table(),
        clock=world.clock,
        monotonic=world.time.monotonic,
        sleep=sleep_and_let_another_sender_look,
        settings=SenderSettings(per_second=2.0, idle_wait=0.01),
    )
    start = world.time.now

    assert await first.drain_once() == 50

    assert world.time.now - start > SenderSettings().lease.total_seconds() + 5
    assert len(took_over) > 40
    assert sum(took_over) == 0
    assert Counter(s.chat_id for s in delivered(world)) == Counter(residents)
    assert all(r.status is OutboxStatus.SENT for r in await rows(world))


async def test_only_the_sender_holding_the_lease_records_the_outcome(
    world: World, clock: FixedClock
) -> None:
    ids = await add_users(world, [9001, 9002])
    await enqueue(world, "a", user_id=ids[9001])
    await enqueue(world, "b", user_id=ids[9002])
    lease = timedelta(seconds=15)
    async with world.sessions() as session, session.begin():
        first = await outbox.claim_due(session, clock(), limit=10, lease=lease, owner="first")
    assert [r.id for r in first]
    assert len(first) == 2
    a, b = (r.id for r in first)

    clock.advance(seconds=10)  # within the lease: nobody else gets the rows
    async with world.sessions() as session, session.begin():
        assert await outbox.claim_due(session, clock(), limit=10, lease=lease, owner="second") == []
        assert await outbox.renew_leases(session, [b], owner="first", until=clock() + lease) == 1

    clock.advance(seconds=6)  # the first sender froze: a's lease is over, b's was renewed
    async with world.sessions() as session, session.begin():
        second = await outbox.claim_due(session, clock(), limit=10, lease=lease, owner="second")
    assert [r.id for r in second] == [a]

    async with world.sessions() as session, session.begin():
        # the first sender wakes up: a is no longer its to close, b still is
        assert not await outbox.mark_sent(session, a, clock(), 11, owner="first")
        assert not await outbox.mark_throttled(session, a, clock(), "paced", owner="first")
        assert await outbox.mark_attempt_failed(
            session, a, clock(), "x", owner="first", max_attempts=5, backoff=lease
        )
        assert not await outbox.mark_recipient_blocked(session, a, "403", owner="first")
        assert await outbox.renew_leases(session, [a], owner="first", until=clock() + lease) == 0
        assert await outbox.mark_sent(session, b, clock(), 12, owner="first")
    async with world.sessions() as session, session.begin():
        assert await outbox.mark_sent(session, a, clock(), 13, owner="second")

    final = {r.dedupe_key: r for r in await rows(world)}
    assert (final["a"].status, final["a"].telegram_message_id) == (OutboxStatus.SENT, 13)
    assert final["a"].attempts == 1
    assert final["a"].last_error is None
    assert (final["b"].status, final["b"].telegram_message_id) == (OutboxStatus.SENT, 12)


# ---- rendering at send time ------------------------------------------------------------------


async def test_rendered_in_the_recipients_language_when_sent(world: World) -> None:
    english = await add_users(world, [9001], language_code="en")
    chinese = await add_users(world, [9002], language_code="zh-hans")
    nothing = await add_users(world, [9003], language_code=None)
    switches = await add_users(world, [9004], language_code="en")
    for telegram_id, user_id in {**english, **chinese, **nothing, **switches}.items():
        await enqueue(world, f"approved:{telegram_id}", user_id=user_id)
    await enqueue(world, "group", chat_id=GROUP)
    # after the row was written, before it is sent, 9004 chooses Chinese with /lang
    async with world.sessions() as session, session.begin():
        person = await session.get(User, switches[9004])
        assert person is not None
        person.locale = "zh_Hans"

    await world.deliver_all()

    text = {s.chat_id: s.method.text for s in delivered(world) if isinstance(s.method, SendMessage)}
    assert text[9001].startswith("✅ Welcome! 李网格长 approved you for 都市A座")
    assert text[9002].startswith("✅ 欢迎！李网格长")
    assert text[9003].startswith("✅ 欢迎！")  # the default language: zh_Hans
    assert text[9004].startswith("✅ 欢迎！")
    assert text[GROUP].startswith("✅ 欢迎！")  # groups get the default language


async def test_a_message_to_a_group_that_became_a_supergroup_follows_it(world: World) -> None:
    from aiogram.exceptions import TelegramMigrateToChat

    from models import GroupChat, GroupKind

    old, new = -400_2, -100_400_2
    async with world.sessions() as session, session.begin():
        session.add(GroupChat(chat_id=old, title="群", kind=GroupKind.RESIDENTS, active=True))
    world.telegram.fail_once(
        sends_to(old),
        TelegramMigrateToChat(
            method=SendMessage(chat_id=old, text="x"),
            message="Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=new,
        ),
    )
    await enqueue(world, "notice", chat_id=old)
    await enqueue(world, "notice 2", chat_id=old)

    await world.deliver_all()

    assert [s.chat_id for s in delivered(world)] == [new, new]
    final = await rows(world)
    assert all(r.status is OutboxStatus.SENT and r.chat_id == new for r in final)
    assert [r.attempts for r in final] == [1, 1]  # the move is not a failed attempt
    async with world.sessions() as session:
        group = await session.get(GroupChat, new)
        assert group is not None
        assert group.kind is GroupKind.RESIDENTS
        assert group.active
