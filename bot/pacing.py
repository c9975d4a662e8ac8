"""Telegram's sending limits as a schedule: overall rate, ~1/s per private chat, 20/min per group.

Pure bookkeeping over a monotonic clock; the sender asks when a chat may next get a message."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field


@dataclass
class Pacer:
    per_second: float = 25.0
    private_interval: float = 1.0
    group_per_minute: int = 20
    group_window: float = 60.0
    _next_global: float = 0.0
    _next_private: dict[int, float] = field(default_factory=dict)
    _group_sends: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _paused_until: dict[int, float] = field(default_factory=dict)

    def chat_ready_at(self, chat_id: int, is_group: bool, now: float) -> float:
        """Earliest time this chat may receive, ignoring the overall rate."""
        ready = max(now, self._paused_until.get(chat_id, 0.0))
        if is_group:
            sends = self._group_sends[chat_id]
            while sends and sends[0] <= now - self.group_window:
                sends.popleft()
            if len(sends) >= self.group_per_minute:
                ready = max(ready, sends[len(sends) - self.group_per_minute] + self.group_window)
        else:
            ready = max(ready, self._next_private.get(chat_id, 0.0))
        return ready

    def global_ready_at(self, now: float) -> float:
        return max(now, self._next_global)

    def sent(self, chat_id: int, is_group: bool, at: float) -> None:
        self._next_global = max(self._next_global, at) + 1.0 / self.per_second
        if is_group:
            self._group_sends[chat_id].append(at)
        else:
            self._next_private[chat_id] = at + self.private_interval

    def pause(self, chat_id: int, until: float) -> None:
        """Telegram answered 429 for this chat: nothing more to it before `until`."""
        self._paused_until[chat_id] = max(self._paused_until.get(chat_id, 0.0), until)
