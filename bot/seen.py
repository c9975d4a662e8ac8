"""Recently handled update ids, kept without a database write: an update that changes nothing is
still handled once. (An update that changes state is also recorded in the store, in the same
transaction as the change; that record is the authority after a restart.)"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

KEEP_SECONDS = 2 * 24 * 3600  # Telegram redelivers for about a day
MAX_IN_MEMORY = 200_000


class SeenUpdates(Protocol):
    async def seen(self, update_id: int) -> bool: ...

    async def remember(self, update_id: int) -> None: ...


class MemorySeen:
    """One process: a bounded, time-limited record in memory (oldest forgotten first)."""

    def __init__(
        self,
        keep_seconds: float = KEEP_SECONDS,
        limit: int = MAX_IN_MEMORY,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keep = keep_seconds
        self.limit = limit
        self.monotonic = monotonic
        self._ids: OrderedDict[int, float] = OrderedDict()

    async def seen(self, update_id: int) -> bool:
        at = self._ids.get(update_id)
        return at is not None and self.monotonic() - at < self.keep

    async def remember(self, update_id: int) -> None:
        now = self.monotonic()
        self._ids[update_id] = now
        self._ids.move_to_end(update_id)
        while len(self._ids) > self.limit or (
            self._ids and now - next(iter(self._ids.values())) >= self.keep
        ):
            self._ids.popitem(last=False)


class RedisSeen:
    """Several bot processes behind one token: the record is shared in Redis, with a TTL."""

    def __init__(self, redis: Any, prefix: str, keep_seconds: int = KEEP_SECONDS) -> None:
        self.redis = redis
        self.prefix = prefix
        self.keep = keep_seconds

    async def seen(self, update_id: int) -> bool:
        return bool(await self.redis.exists(f"{self.prefix}{update_id}"))

    async def remember(self, update_id: int) -> None:
        await self.redis.set(f"{self.prefix}{update_id}", 1, ex=self.keep)
