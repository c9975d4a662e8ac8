"""Update middlewares: [skip seen update_id + one transaction] -> [actor] -> [group gate]
-> [locale] -> [domain errors answered in the user's language]."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, Update
from aiogram.types import User as TgUser
from aiogram.utils.i18n import I18n, I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.db import write_lock
from services import courtyards, outbox, people, updates
from services.clock import Clock
from services.errors import DomainError
from views.errors import error_text

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
log = logging.getLogger("courtyard.updates")


class TransactionMiddleware(BaseMiddleware):
    """One session and one transaction per update; a seen update_id is skipped."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        after_commit: Callable[[], None],
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.after_commit = after_commit

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        async with write_lock(self.sessions), self.sessions() as session:
            try:
                if not await updates.first_time(session, event.update_id, self.clock()):
                    log.info("update %s seen before; skipped", event.update_id)
                    await session.rollback()
                    return None
                data["session"] = session
                data["update_seen"] = self._mark_seen(session, event.update_id)
                result = await handler(event, data)
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
        if session.info.get(outbox.WROTE_OUTBOX):
            self.after_commit()
        return result

    def _mark_seen(self, session: AsyncSession, update_id: int) -> Callable[[], Awaitable[bool]]:
        """For a handler that had to roll back: the update still counts as handled."""
        return lambda: updates.first_time(session, update_id, self.clock())


class ActorMiddleware(BaseMiddleware):
    """Finds or creates the user behind the update and loads their households and roles."""

    def __init__(self, clock: Clock, default_locale: str) -> None:
        self.clock = clock
        self.default_locale = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TgUser | None = data.get("event_from_user")
        session: AsyncSession = data["session"]
        if tg_user is None or tg_user.is_bot:
            data["locale"] = self.default_locale
            return await handler(event, data)
        profile = people.TelegramProfile(
            telegram_id=tg_user.id,
            name=tg_user.full_name,
            username=tg_user.username,
            language_code=tg_user.language_code,
        )
        user, data["actor"] = await people.arrive(session, profile, self.clock())
        data["locale"] = people.pick_locale(user.locale, user.language_code, self.default_locale)
        chat = data.get("event_chat")
        if chat is not None and chat.type in ("group", "supergroup"):
            # what the bot says in a group is read by everyone there: the courtyard's language
            data["locale"] = self.default_locale
        return await handler(event, data)


class GroupGate(BaseMiddleware):
    """Unbound groups are ignored, except for /link, the bot being added or removed, and a
    group becoming a supergroup."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat = data.get("event_chat")
        if chat is None or chat.type not in ("group", "supergroup"):
            return await handler(event, data)
        assert isinstance(event, Update)
        if event.my_chat_member is not None:
            return await handler(event, data)
        data["group"] = await courtyards.bound_group(data["session"], chat.id)
        if data["group"] is not None or _is_link(event):
            return await handler(event, data)
        return None


def _is_link(update: Update) -> bool:
    message = update.message
    if message is not None and (message.migrate_to_chat_id or message.migrate_from_chat_id):
        return True  # the binding moves to the supergroup's new chat id
    if update.message is not None and update.message.text:
        command = update.message.text.split()[0].split("@")[0]
        return command == "/link"
    return update.callback_query is not None and (update.callback_query.data or "").startswith(
        "lk:"
    )


class LocaleMiddleware(I18nMiddleware):
    """The user's choice, else Telegram's language_code, else the default (ActorMiddleware)."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        return str(data.get("locale") or self.i18n.default_locale)


class DomainErrorMiddleware(BaseMiddleware):
    """A rule said no: undo the handler's writes, and say why in the user's language."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        session: AsyncSession = data["session"]
        try:
            return await handler(event, data)
        except DomainError as error:
            # nothing of what the handler did may stay; a savepoint per update would cost every
            # update two more round trips, so roll back the lot and note the update again
            await session.rollback()
            session.info.pop(outbox.WROTE_OUTBOX, None)
            await data["update_seen"]()
            await _tell(event, error_text(error))
            return None


async def _tell(event: TelegramObject, text: str) -> None:
    assert isinstance(event, Update)
    query: CallbackQuery | None = event.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
        return
    message: Message | None = event.message
    if message is not None:
        await message.answer(text)


def install(
    dispatcher: Any,
    *,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    i18n: I18n,
    after_commit: Callable[[], None],
) -> None:
    dispatcher.update.outer_middleware(TransactionMiddleware(sessions, clock, after_commit))
    dispatcher.update.outer_middleware(ActorMiddleware(clock, i18n.default_locale))
    dispatcher.update.outer_middleware(GroupGate())
    dispatcher.update.outer_middleware(LocaleMiddleware(i18n))
    dispatcher.update.outer_middleware(DomainErrorMiddleware())
