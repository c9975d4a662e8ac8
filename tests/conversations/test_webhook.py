"""Webhook mode over real HTTP (aiohttp's test server): only requests carrying the right
X-Telegram-Bot-Api-Secret-Token are processed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from harness import World
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import Runtime
from bot.config import Settings
from bot.webhook import build_app, webhook_secret
from models import ProcessedUpdate, User
from scheduler.jobs import JobContext

SECRET = "s3cret-Token_42"
HEADER = "X-Telegram-Bot-Api-Secret-Token"

Serve = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def serve(
    world: World, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Serve]:
    """The webhook app of a Runtime made of the harness pieces (assemble() would call getMe)."""
    clients: list[TestClient[Any, Any]] = []

    async def start(**settings: Any) -> TestClient[Any, Any]:
        runtime = Runtime(
            settings=Settings(
                _env_file=None, webhook_url="https://bot.example/tg/hook", **settings
            ),
            engine=engine,
            sessions=sessions,
            bot=world.bot,
            dispatcher=world.dispatcher,
            sender=world.sender,
            jobs=JobContext(sessions=sessions, clock=world.clock, policy=world.policy),
        )
        client: TestClient[Any, Any] = TestClient(TestServer(build_app(runtime)))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()


async def seen(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    """(users, processed updates) in the store."""
    async with sessions() as session:
        users = await session.scalar(select(func.count()).where(User.telegram_id == 9001))
        updates = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    return int(users or 0), int(updates or 0)


def start_update(world: World) -> dict[str, Any]:
    person = world.person("王阿姨", 9001, language_code="en")
    update = person.message_update("/start")
    return update.model_dump(mode="json", exclude_none=True)


@pytest.mark.parametrize("header", [None, "", "wrong", SECRET + "x", SECRET.lower()])
async def test_without_the_right_secret_nothing_is_processed(
    world: World, serve: Serve, sessions: async_sessionmaker[AsyncSession], header: str | None
) -> None:
    client = await serve(webhook_secret=SECRET)
    headers = {HEADER: header} if header is not None else {}

    response = await client.post("/tg/hook", json=start_update(world), headers=headers)

    assert response.status == 401
    assert await seen(sessions) == (0, 0)
    assert world.telegram.requests == []


async def test_with_the_right_secret_the_update_is_handled(
    world: World, serve: Serve, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = await serve(webhook_secret=SECRET)
    update = start_update(world)

    response = await client.post("/tg/hook", json=update, headers={HEADER: SECRET})
    assert response.status == 200
    assert await seen(sessions) == (1, 1)
    assert world.people[9001].last_message().startswith("Hello! I am the courtyard assistant")

    # Telegram redelivers (it did not see our 200): answered with 200, handled once
    again = await client.post("/tg/hook", json=update, headers={HEADER: SECRET})
    assert again.status == 200
    assert await seen(sessions) == (1, 1)
    assert len(world.people[9001].texts()) == 1


async def test_other_paths_are_not_the_webhook(
    world: World, serve: Serve, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = await serve(webhook_secret=SECRET)
    response = await client.post("/", json=start_update(world), headers={HEADER: SECRET})
    assert response.status in (404, 405)
    assert await seen(sessions) == (0, 0)


async def test_without_a_configured_secret_one_is_still_required(
    world: World, serve: Serve, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """WEBHOOK_SECRET unset: the webhook is not open to anyone who learns its URL."""
    client = await serve()

    for headers in ({}, {HEADER: ""}, {HEADER: "guess"}):
        response = await client.post("/tg/hook", json=start_update(world), headers=headers)
        assert response.status == 401
    assert await seen(sessions) == (0, 0)

    # the secret set with setWebhook (derived from the token) is accepted
    derived = webhook_secret(Settings(_env_file=None), world.bot.token)
    assert derived
    assert world.bot.token not in derived
    response = await client.post("/tg/hook", json=start_update(world), headers={HEADER: derived})
    assert response.status == 200
    assert await seen(sessions) == (1, 1)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"this is not json", "application/json"),
        (b"\xff\xfe{", "application/json"),
        (b'[{"update_id": 1}]', "application/json"),
        (b'"an update"', "application/json"),
        (b'{"message": {"text": "no update_id"}}', "application/json"),
        (b'{"update_id": "seven"}', "application/json"),
        (b'{"update_id": 5, "message": {"message_id": "x"}}', "application/json"),
    ],
)
async def test_a_body_that_is_not_an_update_is_answered_400_with_one_log_line(
    world: World,
    serve: Serve,
    sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
) -> None:
    client = await serve(webhook_secret=SECRET)

    with caplog.at_level(logging.DEBUG):
        response = await client.post(
            "/tg/hook", data=body, headers={HEADER: SECRET, "Content-Type": content_type}
        )

    assert response.status == 400
    assert await seen(sessions) == (0, 0)
    assert world.telegram.requests == []
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "answered 400" in warnings[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records)

    # the webhook still works for the next, real update
    response = await client.post("/tg/hook", json=start_update(world), headers={HEADER: SECRET})
    assert response.status == 200
    assert await seen(sessions) == (1, 1)


async def test_a_bad_body_without_the_secret_is_still_401(
    world: World, serve: Serve, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = await serve(webhook_secret=SECRET)
    response = await client.post("/tg/hook", data=b"[1, 2]", headers={HEADER: "wrong"})
    assert response.status == 401
