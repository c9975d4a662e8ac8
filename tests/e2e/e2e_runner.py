"""A running bot and its sandbox, as the e2e tests see them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import Runtime
from sandbox import Sandbox


@dataclass
class Running:
    sandbox: Sandbox
    runtime: Runtime
    sessions: async_sessionmaker[AsyncSession]

    async def reply_to(
        self,
        chat_id: int,
        action: Callable[[], Awaitable[Any]],
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        within: float = 10.0,
    ) -> dict[str, Any]:
        """Do something as a person, and wait for the bot's next message in that chat."""
        last = self.sandbox.last_bot_message(chat_id)
        after = int(last["message_id"]) if last else 0
        await action()
        message: dict[str, Any] = await self.sandbox.wait_for_bot_message(
            chat_id, after_message_id=after, timeout=within, predicate=predicate
        )
        return message
