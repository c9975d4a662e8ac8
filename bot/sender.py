"""The outbox sender: claims due rows, renders them in the recipient's language, sends them
paced to Telegram's limits, and records the outcome (sent, retry, blocked, failed).

Claimed rows are leased to this sender for a short while (`SenderSettings.lease`) and the lease
is renewed as the batch goes on, so the rows of a sender that died come back within seconds;
an outcome is recorded only while the lease is still ours."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import features
from bot.pacing import Pacer
from handlers import attachments
from models.db import transaction
from services import courtyards, outbox, people
from services.clock import Clock
from services.policy import Policy
from views import menu as menu_view
from views.menu import Menu
from views.outbox import RenderContext, Rendered, RenderTable

log = logging.getLogger("courtyard.sender")


@dataclass(frozen=True)
class SenderSettings:
    per_second: float = 25.0
    private_interval: float = 1.0
    group_per_minute: int = 20
    batch: int = 50
    # short, and renewed while the batch is sent: a restarted sender takes over within seconds
    lease: timedelta = timedelta(seconds=15)
    renew_every: timedelta = timedelta(seconds=5)
    # one request may not outlast a lease: pacing waits at most 1.5 s, then this
    send_timeout: int = 8  # seconds
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=10)
    idle_wait: float = 5.0


# One long-lived render thread for the process (created at the first render), not the default
# executor's several: glibc gives every thread that allocates its own malloc arena, which stays
# resident. Renders are short and one at a time anyway (the sender delivers in order).
_RENDERING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-render")


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        i18n: I18n,
        policy: Policy,
        *,
        clock: Clock,
        renderers: RenderTable | None = None,
        settings: SenderSettings = SenderSettings(),
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        bot_username: str | None = None,
        menu: Menu | None = None,
    ) -> None:
        self.bot = bot
        # the menu that messages bringing a new main menu show (every feature's buttons)
        self.menu = menu or features.menu()
        self.sessions = sessions
        self.i18n = i18n
        self.policy = policy
        self.clock = clock
        self.settings = settings
        self.monotonic = monotonic
        self.sleep = sleep
        self.pacer = Pacer(
            per_second=settings.per_second,
            private_interval=settings.private_interval,
            group_per_minute=settings.group_per_minute,
        )
        # every feature's kinds: the bot process and `courtyard send` render alike
        self.renderers = renderers or features.render_table()
        self.context = RenderContext(timezone=policy.timezone, bot_username=bot_username)
        self.wake = asyncio.Event()
        self.owner = uuid.uuid4().hex  # this sender's name on the rows it leases
        self._held: list[int] = []  # claimed rows of the current batch not yet recorded
        self._renewed_at: datetime | None = None

    def notify(self) -> None:
        """Called after a commit that may have written outbox rows."""
        self.wake.set()

    async def run(self) -> None:
        while True:
            try:
                if await self.drain_once():
                    continue
                await self._idle()
            except Exception:
                # a bad moment of the store or the network must not end the sender for good:
                # claimed rows come back when their lease runs out, the others are still due
                log.exception("outbox drain failed; trying again")
                await asyncio.sleep(self.settings.idle_wait)

    async def _idle(self) -> None:
        async with self.sessions() as session:
            due = await outbox.next_due_at(session)
        wait = self.settings.idle_wait
        if due is not None:
            wait = min(wait, max(0.0, (due - self.clock()).total_seconds()))
        self.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout=max(wait, 0.05))

    async def drain_once(self) -> int:
        """Claim one batch and deliver what the limits allow now. Returns rows handled."""
        async with transaction(self.sessions) as session:
            batch = await outbox.claim_due(
                session,
                self.clock(),
                limit=self.settings.batch,
                lease=self.settings.lease,
                owner=self.owner,
            )
        self._renewed_at = self.clock()
        self._held = [row.id for row in batch]
        blocked: set[int] = set()  # chats that answered 403 during this batch
        moved: set[int] = set()  # groups that became supergroups during this batch
        try:
            for row in batch:
                await self._keep_lease()
                await self._deliver(row, blocked, moved)
                self._held.remove(row.id)
        finally:
            self._held = []
        return len(batch)

    async def _keep_lease(self) -> None:
        """Renew the lease on what is left of the batch once `renew_every` has passed."""
        now = self.clock()
        if self._renewed_at is not None and now - self._renewed_at < self.settings.renew_every:
            return
        async with transaction(self.sessions) as session:
            held = await outbox.renew_leases(
                session, self._held, owner=self.owner, until=now + self.settings.lease
            )
        if held < len(self._held):
            log.warning("%s outbox rows were taken over by another sender", len(self._held) - held)
        self._renewed_at = now

    async def _deliver(self, row: outbox.Due, blocked: set[int], moved: set[int]) -> None:
        if row.chat_id in blocked:
            # the rest of this batch to a person who blocked us: do not knock again
            await self._record(outbox.mark_recipient_blocked, row.id, "recipient blocked the bot")
            return
        if row.chat_id in moved:  # the store points it at the new chat: the next claim sends it
            await self._record(outbox.mark_throttled, row.id, self.clock(), "moved to supergroup")
            return
        now = self.monotonic()
        ready = self.pacer.chat_ready_at(row.chat_id, row.is_group, now)
        if ready - now > 1.5:
            # this chat is full for a while: let the row wait and serve other chats meanwhile
            await self._record(
                outbox.mark_throttled,
                row.id,
                self.clock() + timedelta(seconds=ready - now),
                "paced",
            )
            return
        try:
            # in a worker thread: a renderer that draws a chart or lays out a PDF (seconds)
            # must not hold up the updates this process handles meanwhile. Rendered before the
            # pacing wait, so that its time overlaps the wait instead of adding to every message
            rendered = await asyncio.get_running_loop().run_in_executor(
                _RENDERING, functools.partial(contextvars.copy_context().run, self._render, row)
            )
        except Exception as error:  # a broken view must not stop the queue
            log.exception("cannot render outbox row %s (%s)", row.id, row.kind)
            await self._fail(row, f"render: {error}", final=True)
            return
        now = self.monotonic()
        start = max(ready, self.pacer.global_ready_at(now))
        if start > now:
            await self.sleep(start - now)
        await self._keep_lease()  # pacing may have waited
        woke = self.monotonic()
        # a wake-up a little late (a busy machine) must not push every later message back:
        # the send counts at its planned time; a long delay starts the schedule afresh
        late = start > now and 0.0 <= woke - start < 1.0 / self.settings.per_second
        self.pacer.sent(row.chat_id, row.is_group, start if late else woke)
        try:
            message_id = await self._send(row.chat_id, rendered)
        except TelegramRetryAfter as error:
            self.pacer.pause(row.chat_id, self.monotonic() + error.retry_after)
            await self._record(
                outbox.mark_throttled,
                row.id,
                self.clock() + timedelta(seconds=error.retry_after),
                f"429 retry after {error.retry_after}",
            )
            return
        except TelegramForbiddenError as error:
            blocked.add(row.chat_id)
            await self._record(outbox.mark_recipient_blocked, row.id, str(error))
            return
        except TelegramMigrateToChat as error:
            # the group became a supergroup: this row and the others follow it, sent at once
            moved.add(row.chat_id)
            async with transaction(self.sessions) as session:
                await courtyards.move_group(session, row.chat_id, error.migrate_to_chat_id)
                await outbox.mark_throttled(
                    session, row.id, self.clock(), "moved to supergroup", owner=self.owner
                )
            return
        except TelegramBadRequest as error:
            # the request itself is wrong; retrying will not help
            await self._fail(row, str(error), final=True)
            return
        except (TelegramNetworkError, TelegramServerError, OSError, TimeoutError) as error:
            await self._fail(row, f"{type(error).__name__}: {error}", final=False)
            return
        except Exception as error:  # anything else Telegram or the client says: retry, bounded
            log.exception("unexpected error sending outbox row %s (%s)", row.id, row.kind)
            await self._fail(row, f"{type(error).__name__}: {error}", final=False)
            return
        await self._record(outbox.mark_sent, row.id, self.clock(), message_id)

    def _render(self, row: outbox.Due) -> Rendered:
        locale = (
            people.pick_locale(row.locale, row.language_code, self.policy.default_locale)
            if not row.is_group
            else self.policy.default_locale
        )
        with self.i18n.context(), self.i18n.use_locale(locale), menu_view.use(self.menu):
            return self.renderers.render(row.kind, row.payload, self.context)

    async def _send(self, chat_id: int, rendered: Rendered) -> int | None:
        if rendered.attachment is not None:  # built at send time: always a new message
            return await attachments.send_file(
                self.bot, chat_id, rendered, request_timeout=self.settings.send_timeout
            )
        if rendered.edit_message_id is not None:
            result = await self.bot.edit_message_text(
                chat_id=chat_id,
                message_id=rendered.edit_message_id,
                text=rendered.text,
                reply_markup=rendered.reply_markup
                if isinstance(rendered.reply_markup, InlineKeyboardMarkup)
                else None,
                request_timeout=self.settings.send_timeout,
            )
            return (
                rendered.edit_message_id if not isinstance(result, Message) else result.message_id
            )
        if rendered.photo is not None:
            sent = await self.bot.send_photo(
                chat_id,
                rendered.photo,
                caption=rendered.text,
                reply_markup=rendered.reply_markup,
                request_timeout=self.settings.send_timeout,
            )
        elif rendered.document is not None:
            sent = await self.bot.send_document(
                chat_id,
                rendered.document,
                caption=rendered.text,
                reply_markup=rendered.reply_markup,
                request_timeout=self.settings.send_timeout,
            )
        else:
            sent = await self.bot.send_message(
                chat_id,
                rendered.text,
                reply_markup=rendered.reply_markup,
                request_timeout=self.settings.send_timeout,
            )
        if rendered.pin:
            await self._pin(chat_id, sent.message_id)
        return sent.message_id

    async def _pin(self, chat_id: int, message_id: int) -> None:
        """A follow-up of a sent message: pin it (an urgent notice in a group). The message
        is out either way: a group that gave the bot no right to pin just keeps it unpinned."""
        try:
            await self.bot.pin_chat_message(
                chat_id, message_id, request_timeout=self.settings.send_timeout
            )
        except (TelegramBadRequest, TelegramForbiddenError, TelegramNetworkError) as error:
            log.warning("could not pin message %s in chat %s: %s", message_id, chat_id, error)

    async def _record(self, mark: Callable[..., Awaitable[bool]], *args: object) -> None:
        """Record an outcome, if the row is still ours (else its new holder records it)."""
        async with transaction(self.sessions) as session:
            ours = await mark(session, *args, owner=self.owner)
        if not ours:
            log.warning("outbox row %s: lease lost before %s", args[0], mark.__name__)

    async def _fail(self, row: outbox.Due, error: str, *, final: bool) -> None:
        async with transaction(self.sessions) as session:
            await outbox.mark_attempt_failed(
                session,
                row.id,
                self.clock(),
                error,
                owner=self.owner,
                max_attempts=1 if final else self.settings.max_attempts,
                backoff=self.settings.backoff,
            )
        log.warning("outbox row %s (%s) failed: %s", row.id, row.kind, error)
