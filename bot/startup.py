"""Starting up against Telegram: the Bot API may not be reachable yet (no network after a
reboot, a local Bot API server still starting). Wait for it, saying once per try what for."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.types import User

log = logging.getLogger("courtyard")

FIRST_DELAY = 1.0
MAX_DELAY = 60.0


async def wait_for_telegram(
    bot: Bot,
    api_url: str,
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    first_delay: float = FIRST_DELAY,
    max_delay: float = MAX_DELAY,
) -> User:
    """The bot's own user (getMe), retried with a doubling delay (1, 2, 4 … 60 s) while the
    Bot API cannot be reached or answers with a server error. Any other failure, and a Ctrl-C
    while waiting, closes the bot's HTTP session before it propagates (no "Unclosed client
    session" at exit)."""
    delay = first_delay
    try:
        while True:
            try:
                return await bot.get_me()
            except (TelegramNetworkError, TelegramServerError) as error:
                reason = str(error).replace(bot.token, "…")  # never print the token
                log.warning(
                    "waiting for the Telegram Bot API at %s (TELEGRAM_API_URL): %s; "
                    "trying again in %g s",
                    api_url,
                    reason,
                    delay,
                )
                await sleep(delay)
                delay = min(delay * 2, max_delay)
    except BaseException:
        await bot.session.close()
        raise
