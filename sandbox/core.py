"""The sandbox's shared state, and the one Bot API call being answered."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.limits import FloodControl, SandboxLimits, SandboxStats
from sandbox.params import ApiError, Params
from sandbox.updates import BotAccount, UpdateHub
from sandbox.world import World

JSON = dict[str, Any]
_TOKEN = re.compile(r"^(\d{1,20}):[A-Za-z0-9_-]{1,200}$")


@dataclass
class PendingCallback:
    query_id: str
    bot_id: int
    chat_id: int
    message_id: int
    user_id: int
    answer: JSON | None = None


@dataclass
class Core:
    bot_username: str
    limits: SandboxLimits
    clock: Callable[[], float]
    world: World = field(default_factory=World)
    hub: UpdateHub = field(default_factory=UpdateHub)
    stats: SandboxStats = field(default_factory=SandboxStats)
    answered_callbacks: list[JSON] = field(default_factory=list)
    callbacks: dict[str, PendingCallback] = field(default_factory=dict)
    commands: dict[tuple[int, str, str], list[JSON]] = field(default_factory=dict)
    descriptions: dict[tuple[int, str, str], str] = field(default_factory=dict)
    flood: FloodControl = field(init=False)

    def __post_init__(self) -> None:
        self.flood = FloodControl(self.limits, self.clock)

    def bot_user(self, bot_id: int) -> JSON:
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": "楼院管家 Sandbox",
            "username": self.bot_username,
        }

    def account_for(self, token: str) -> BotAccount:
        match = _TOKEN.match(token)
        if match is None:
            raise ApiError(401, "Unauthorized")
        bot_id = int(match.group(1))
        return self.hub.account(token, bot_id, self.bot_user(bot_id))

    def default_bot_id(self) -> int:
        """The bot that people talk to when no bot has called yet (first known bot)."""
        return next(iter(self.hub.accounts), 0)


@dataclass
class Call:
    core: Core
    account: BotAccount
    params: Params

    @property
    def bot(self) -> JSON:
        return self.account.user

    @property
    def bot_id(self) -> int:
        return self.account.bot_id
