"""Webhook mode on aiohttp: only requests with the right secret-token header are processed."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

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


def build_app(runtime: Runtime) -> web.Application:
    settings = runtime.settings
    secret = webhook_secret(settings, runtime.bot.token)
    app = web.Application()
    path = urlparse(settings.webhook_url or "/").path or "/"
    # SimpleRequestHandler answers 401 and processes nothing when the header is wrong
    SimpleRequestHandler(
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
