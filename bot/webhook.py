"""Webhook mode on aiohttp: only requests with the right secret-token header are processed."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from pydantic import ValidationError

if TYPE_CHECKING:
    from bot.app import Runtime
    from bot.config import Settings

log = logging.getLogger("courtyard.webhook")


def webhook_secret(settings: Settings, token: str) -> str:
    """WEBHOOK_SECRET, or else one derived from the token (the same in every bot process):
    without a secret, anyone who finds the URL could post updates as any user."""
    if settings.webhook_secret:
        return settings.webhook_secret.get_secret_value()
    return hashlib.sha256(f"courtyard-webhook:{token}".encode()).hexdigest()


class UpdateRequestHandler(SimpleRequestHandler):
    """aiogram's handler, but a body that is not an update is the sender's mistake: it is
    answered 400 with one log line, where aiogram would answer 500 with a traceback."""

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            body = await request.json(loads=bot.session.json_loads)
        except ValueError:  # not JSON, or not UTF-8
            return _bad_body(request, "not JSON")
        if not isinstance(body, dict):
            return _bad_body(request, f"a JSON {type(body).__name__}, not an object")
        try:
            update = Update.model_validate(body, context={"bot": bot})
        except ValidationError as exc:
            return _bad_body(request, f"not an Update ({exc.error_count()} invalid fields)")
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            bot, update, **self.data
        )
        return web.Response(body=self._build_response_writer(bot=bot, result=result))


def _bad_body(request: web.Request, reason: str) -> web.Response:
    log.warning("webhook body from %s is %s; answered 400", request.remote, reason)
    return web.Response(status=400, text="Bad Request: the body is not a Telegram update")


def build_app(runtime: Runtime) -> web.Application:
    settings = runtime.settings
    secret = webhook_secret(settings, runtime.bot.token)
    app = web.Application()
    path = urlparse(settings.webhook_url or "/").path or "/"
    # the handler answers 401 and processes nothing when the header is wrong
    UpdateRequestHandler(
        dispatcher=runtime.dispatcher,
        bot=runtime.bot,
        secret_token=secret,
        handle_in_background=False,
    ).register(app, path=path)
    setup_application(app, runtime.dispatcher, bot=runtime.bot)
    return app


async def serve(runtime: Runtime) -> None:
    settings = runtime.settings
    assert settings.webhook_url
    secret = webhook_secret(settings, runtime.bot.token)
    await runtime.bot.set_webhook(
        settings.webhook_url,
        secret_token=secret,
        allowed_updates=runtime.dispatcher.resolve_used_update_types(),
    )
    runner = web.AppRunner(build_app(runtime))
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    log.info("webhook listening on %s:%s", settings.webhook_host, settings.webhook_port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
