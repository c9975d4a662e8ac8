"""Telegram's flood limits for sending, and the counters that show how a bot behaved.

Three limits apply to every send (sendMessage, sendPhoto, sendVoice, sendDocument), checked
together; a refused send consumes nothing, as with Telegram:
- all sends of one bot: at most ``global_per_second`` in any one-second window;
- one private chat: a token bucket of ``private_burst`` tokens refilled at ``private_per_second``;
- one group: at most ``group_per_minute`` in any sliding 60-second window.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SandboxLimits:
    enabled: bool = True
    global_per_second: float = 30.0
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: int = 20


@dataclass
class SandboxStats:
    """What the bot did: ``requests`` by method, 429s and 403s sent, every successful send
    as ``(clock time, chat_id, method)``, and every successful edit the same way in ``edits``."""

    requests: Counter[str] = field(default_factory=Counter)
    too_many_requests: int = 0
    forbidden: int = 0
    sends: list[tuple[float, int, str]] = field(default_factory=list)
    edits: list[tuple[float, int, str]] = field(default_factory=list)

    def reset(self) -> None:
        self.requests.clear()
        self.too_many_requests = 0
        self.forbidden = 0
        self.sends.clear()
        self.edits.clear()


def _retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds - 1e-9))


class FloodControl:
    def __init__(self, limits: SandboxLimits, clock: Callable[[], float]):
        self.limits = limits
        self.clock = clock
        self._global: dict[int, deque[float]] = {}
        self._buckets: dict[tuple[int, int], tuple[float, float]] = {}  # (tokens, at)
        self._groups: dict[tuple[int, int], deque[float]] = {}

    def try_send(self, bot_id: int, chat_id: int, is_private: bool) -> int | None:
        """Record a send and return None, or return retry_after seconds if it is refused."""
        if not self.limits.enabled:
            return None
        now = self.clock()
        waits: list[float] = []

        sent = self._global.setdefault(bot_id, deque())
        _forget_before(sent, now - 1.0)
        if len(sent) >= self.limits.global_per_second:
            waits.append(sent[0] + 1.0 - now)

        key = (bot_id, chat_id)
        tokens = 0.0
        if is_private:
            burst = float(max(1, self.limits.private_burst))
            rate = self.limits.private_per_second
            tokens, at = self._buckets.get(key, (burst, now))
            tokens = min(burst, tokens + max(0.0, now - at) * rate)
            if tokens < 1.0:
                waits.append((1.0 - tokens) / rate if rate > 0 else 60.0)
        else:
            window = self._groups.setdefault(key, deque())
            _forget_before(window, now - 60.0)
            if len(window) >= self.limits.group_per_minute:
                waits.append(window[0] + 60.0 - now)

        if waits:
            return _retry_after(max(waits))
        sent.append(now)
        if is_private:
            self._buckets[key] = (tokens - 1.0, now)
        else:
            self._groups[key].append(now)
        return None


def _forget_before(times: deque[float], cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()
