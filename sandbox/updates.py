"""Updates for bots: one shared log, a cursor per bot token, long polling and webhooks.

Every update is appended to one log. Each bot (known by the id in its token, from its first
request on) reads the log through its own cursor, so every bot sees every update except
callback queries, which go only to the bot that sent the tapped message. An update is
forgotten once every known bot has confirmed it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.params import ApiError, Params, Upload
from sandbox.update_ids import UpdateIds

JSON = dict[str, Any]
Builder = Callable[[JSON], JSON]  # bot user JSON -> the update's payload
ReplyHandler = Callable[[str, str, Params], Awaitable[Any]]  # token, method, params

log = logging.getLogger(__name__)
_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0)  # a webhook gets len + 1 attempts per update


@dataclass
class LoggedUpdate:
    update_id: int
    kind: str  # message, callback_query, my_chat_member, ...
    build: Builder
    for_bot: int | None = None


@dataclass
class BotAccount:
    bot_id: int
    token: str
    user: JSON
    confirmed: int = 0  # every update with a smaller or equal id is done for this bot
    allowed_updates: list[str] | None = None
    webhook_url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    poll_generation: int = 0
    delivery: asyncio.Task[None] | None = field(default=None, repr=False)

    def wants(self, update: LoggedUpdate) -> bool:
        if update.for_bot is not None and update.for_bot != self.bot_id:
            return False
        return not self.allowed_updates or update.kind in self.allowed_updates


class UpdateHub:
    def __init__(self, ids: UpdateIds | None = None) -> None:
        self.accounts: dict[int, BotAccount] = {}
        self._log: deque[LoggedUpdate] = deque()
        self._ids = ids or UpdateIds()
        self._changed = asyncio.Event()
        self._closed = False
        self._http: aiohttp.ClientSession | None = None
        self.reply_handler: ReplyHandler | None = None

    # -- bots ---------------------------------------------------------------------------
    def account(self, token: str, bot_id: int, user: JSON) -> BotAccount:
        account = self.accounts.get(bot_id)
        if account is None:
            account = BotAccount(bot_id=bot_id, token=token, user=user)
            self.accounts[bot_id] = account
        account.token = token
        return account

    # -- the log ------------------------------------------------------------------------
    def emit(self, kind: str, build: Builder, *, for_bot: int | None = None) -> int:
        update = LoggedUpdate(self._ids.take(), kind, build, for_bot)
        self._log.append(update)
        self._wake()
        return update.update_id

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def pending(self, account: BotAccount) -> list[LoggedUpdate]:
        return [u for u in self._log if u.update_id > account.confirmed and account.wants(u)]

    def render(self, account: BotAccount, update: LoggedUpdate) -> JSON:
        return {"update_id": update.update_id, update.kind: update.build(account.user)}

    def confirm(self, account: BotAccount, up_to: int) -> None:
        account.confirmed = max(account.confirmed, up_to)
        floor = min(a.confirmed for a in self.accounts.values())
        while self._log and self._log[0].update_id <= floor:
            self._log.popleft()

    def drop_pending(self, account: BotAccount) -> None:
        self.confirm(account, self._ids.last)

    # -- long polling -------------------------------------------------------------------
    async def get_updates(self, account: BotAccount, params: Params) -> list[JSON]:
        if account.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is "
                "active; use deleteWebhook to delete the webhook first",
            )
        offset = params.get_int("offset", 0) or 0
        limit = min(100, max(1, params.get_int("limit", 100) or 100))
        timeout = max(0.0, min(params.get_float("timeout", 0.0), 50.0))
        allowed = params.get_json("allowed_updates", "allowed updates")
        if isinstance(allowed, list):
            account.allowed_updates = [str(kind) for kind in allowed] or None
        if offset > 0:
            self.confirm(account, offset - 1)
        elif offset < 0:
            pending = self.pending(account)
            if len(pending) > -offset:
                self.confirm(account, pending[offset - 1].update_id)

        account.poll_generation += 1
        generation = account.poll_generation
        self._wake()  # an older poll of this bot ends with 409, as on Telegram
        deadline = time.monotonic() + timeout
        while True:
            if generation != account.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make "
                    "sure that only one bot instance is running",
                )
            pending = self.pending(account)[:limit]
            remaining = deadline - time.monotonic()
            if pending or remaining <= 0 or self._closed:
                return [self.render(account, u) for u in pending]
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # -- webhooks -----------------------------------------------------------------------
    def set_webhook(self, account: BotAccount, url: str, params: Params) -> None:
        account.webhook_url = url
        account.secret_token = params.get_str("secret_token")
        account.max_connections = params.get_int("max_connections", 40) or 40
        allowed = params.get_json("allowed_updates", "allowed updates")
        if isinstance(allowed, list):
            account.allowed_updates = [str(kind) for kind in allowed] or None
        if params.get_bool("drop_pending_updates"):
            self.drop_pending(account)
        account.poll_generation += 1
        if account.delivery is None or account.delivery.done():
            account.delivery = asyncio.create_task(self._deliver(account))
        self._wake()

    def delete_webhook(self, account: BotAccount, drop_pending: bool) -> None:
        account.webhook_url = ""
        account.secret_token = None
        if drop_pending:
            self.drop_pending(account)
        self._wake()

    def webhook_info(self, account: BotAccount) -> JSON:
        info: JSON = {
            "url": account.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending(account)),
        }
        if account.webhook_url:
            info["max_connections"] = account.max_connections
            info["ip_address"] = "127.0.0.1"
        if account.last_error_date:
            info["last_error_date"] = account.last_error_date
            info["last_error_message"] = account.last_error_message
        if account.allowed_updates:
            info["allowed_updates"] = account.allowed_updates
        return info

    async def _deliver(self, account: BotAccount) -> None:
        while account.webhook_url and not self._closed:
            pending = self.pending(account)
            if not pending:
                event = self._changed
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), 30)
                continue
            update = pending[0]
            for delay in (*_RETRY_DELAYS, None):
                if await self._post(account, update) or not account.webhook_url:
                    break
                if delay is None or self._closed:
                    log.warning("webhook gave up on update %s", update.update_id)
                    break
                await asyncio.sleep(delay)
            self.confirm(account, update.update_id)

    async def _post(self, account: BotAccount, update: LoggedUpdate) -> bool:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        headers = {}
        if account.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = account.secret_token
        try:
            async with self._http.post(
                account.webhook_url, json=self.render(account, update), headers=headers
            ) as response:
                if 200 <= response.status < 300:
                    await self._run_reply(account, response)
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        account.last_error_date = int(time.time())
        account.last_error_message = error
        return False

    async def _run_reply(self, account: BotAccount, response: aiohttp.ClientResponse) -> None:
        """A webhook may answer with a method call, as aiogram does; run it."""
        if self.reply_handler is None:
            return
        values: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        try:
            if response.content_type == "application/json":
                body = await response.json()
                values = body if isinstance(body, dict) else {}
            elif response.content_type.startswith("multipart/"):
                reader = aiohttp.MultipartReader(response.headers, response.content)
                while (part := await reader.next()) is not None:
                    if not isinstance(part, aiohttp.BodyPartReader) or not part.name:
                        continue
                    if part.filename:
                        files[part.name] = Upload(bytes(await part.read()), part.filename, None)
                    else:
                        values[part.name] = await part.text()
        except (aiohttp.ClientError, ValueError):
            return
        method = values.pop("method", None)
        if isinstance(method, str) and method:
            with contextlib.suppress(Exception):
                await self.reply_handler(account.token, method, Params(values, files))

    async def close(self) -> None:
        self._closed = True
        self._wake()
        tasks = [a.delivery for a in self.accounts.values() if a.delivery is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._http is not None:
            await self._http.close()
