"""The Sandbox: one in-memory Telegram (Bot API + web chat) served by aiohttp."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox import people
from sandbox.botapi import call_method, routes
from sandbox.core import Core
from sandbox.limits import SandboxLimits, SandboxStats
from sandbox.params import Params
from sandbox.update_ids import UpdateIds
from sandbox.updates import UpdateHub
from sandbox.webchat import webchat_routes
from sandbox.world import SandboxChat, SandboxUser

JSON = dict[str, Any]
MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for files bots upload


class Sandbox:
    """A local stand-in for Telegram. See the package docstring for how updates are routed."""

    def __init__(
        self,
        *,
        bot_username: str = "courtyard_sandbox_bot",
        limits: SandboxLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        update_ids_file: Path | None = None,
    ) -> None:
        """``update_ids_file``: where the last update id is kept, so that a sandbox started
        again over a bot whose store remembers handled ids continues above them."""
        self.core = Core(
            bot_username=bot_username,
            limits=limits or SandboxLimits(),
            clock=clock,
            hub=UpdateHub(UpdateIds(update_ids_file)),
        )
        self.core.hub.reply_handler = self._run_webhook_reply
        self.api_url = ""
        self._runner: web.AppRunner | None = None

    # -- serving ------------------------------------------------------------------------
    def app(self) -> web.Application:
        application = web.Application(client_max_size=MAX_UPLOAD)
        application.add_routes(routes(self.core))
        application.add_routes(webchat_routes(self.core))
        return application

    async def start(self, host: str = "127.0.0.1", port: int = 8080) -> str:
        if self._runner is not None:
            return self.api_url
        runner = web.AppRunner(self.app(), shutdown_timeout=1.0, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        real_port = runner.addresses[0][1] if runner.addresses else port
        self.api_url = f"http://{host}:{real_port}"
        return self.api_url

    async def stop(self) -> None:
        await self.core.hub.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _run_webhook_reply(self, token: str, method: str, params: Params) -> Any:
        return await call_method(self.core, token, method, params)

    # -- the world ----------------------------------------------------------------------
    @property
    def bot_username(self) -> str:
        return self.core.bot_username

    @property
    def answered_callbacks(self) -> list[JSON]:
        return self.core.answered_callbacks

    @property
    def stats(self) -> SandboxStats:
        return self.core.stats

    def add_user(
        self,
        first_name: str,
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "zh-hans",
    ) -> SandboxUser:
        return self.core.world.add_user(
            first_name,
            user_id=user_id,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )

    def add_link(self, title: str, url: str) -> None:
        """Show a link beside the chats; a t.me deep link to the bot opens the private chat
        with /start <payload>, as the Telegram app does."""
        self.core.world.links.append((title, url))
        self.core.world.touch()

    def add_group(self, title: str, member_ids: list[int]) -> SandboxChat:
        return self.core.world.add_group(title, member_ids)

    async def add_bot_to_group(self, chat_id: int, by_user_id: int) -> None:
        await people.add_bot_to_group(self.core, chat_id, by_user_id)

    async def user_sends(self, user_id: int, text: str, *, chat_id: int | None = None) -> JSON:
        return await people.user_sends(self.core, user_id, text, chat_id=chat_id)

    async def user_sends_photo(
        self, user_id: int, data: bytes, *, caption: str | None = None, chat_id: int | None = None
    ) -> JSON:
        return await people.user_sends_photo(
            self.core, user_id, data, caption=caption, chat_id=chat_id
        )

    async def user_sends_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        return await people.user_sends_document(
            self.core,
            user_id,
            data,
            file_name,
            mime_type=mime_type,
            caption=caption,
            chat_id=chat_id,
        )

    async def user_sends_sticker(
        self, user_id: int, name: str, *, chat_id: int | None = None
    ) -> JSON:
        """``name``: one of ``sandbox.stickers.STICKERS`` (thumbs_up, thanks, smile)."""
        return await people.user_sends_sticker(self.core, user_id, name, chat_id=chat_id)

    async def user_sends_voice(
        self, user_id: int, data: bytes, *, duration: int = 3, chat_id: int | None = None
    ) -> JSON:
        return await people.user_sends_voice(
            self.core, user_id, data, duration=duration, chat_id=chat_id
        )

    async def user_taps(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
    ) -> str:
        return await people.user_taps(
            self.core, user_id, message_id, callback_data, chat_id=chat_id
        )

    async def user_taps_text(
        self, user_id: int, button_text: str, *, chat_id: int | None = None
    ) -> JSON:
        return await people.user_taps_text(self.core, user_id, button_text, chat_id=chat_id)

    def block_bot(self, user_id: int, blocked: bool = True) -> None:
        people.block_bot(self.core, user_id, blocked)

    def messages(self, chat_id: int) -> list[JSON]:
        return [message.public() for message in self.core.world.chat(chat_id).messages]

    def last_bot_message(self, chat_id: int) -> JSON | None:
        return people.last_bot_message(self.core, chat_id)

    async def wait_for_bot_message(
        self,
        chat_id: int,
        *,
        after_message_id: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109 - the public interface
        predicate: Callable[[JSON], bool] | None = None,
    ) -> JSON:
        return await people.wait_for_bot_message(
            self.core,
            chat_id,
            after_message_id=after_message_id,
            timeout=timeout,
            predicate=predicate,
        )
