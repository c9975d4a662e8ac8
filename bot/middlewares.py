"""Update middlewares.

Outer, on every update: [skip a seen update_id] -> [a read session; the menu made current]
-> [actor, from the cache when possible] -> [group gate] -> [locale] -> [domain errors answered].
Inner, once the handler is known: a handler flagged `read_only` runs on the read session (no
write lock, nothing written, its update id remembered in memory or Redis); every other handler
gets one write transaction that records the update id with the change, and what it answers the
person is sent after the commit (bot.replies)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, Message, TelegramObject, Update
from aiogram.types import User as TgUser
from aiogram.utils.i18n import I18n, I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import replies
from bot.seen import SeenUpdates
from handlers.flags import READ_ONLY
from models.db import write_lock
from services import courtyards, outbox, people, updates
from services.access import Actor
from services.clock import Clock
from services.errors import DomainError
from views import menu as menu_view
from views.errors import error_text

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
log = logging.getLogger("courtyard.updates")


class Store:
    """What the middlewares share: the two kinds of session, the seen ids, the actor cache."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        reads: async_sessionmaker[AsyncSession],
        seen: SeenUpdates,
        actors: people.ActorCache,
        clock: Clock,
        after_commit: Callable[[], None],
    ) -> None:
        self.sessions = sessions
        self.reads = reads
        self.seen = seen
        self.actors = actors
        self.clock = clock
        self.after_commit = after_commit

    def committed(self, session: AsyncSession, actor: Any) -> None:
        """After a write transaction: forget the actors it changed, wake the sender."""
        changed = set(people.changed_actors(session))
        if isinstance(actor, Actor):
            changed.add(actor.user_id)
        self.actors.forget(changed)
        if session.info.get(outbox.WROTE_OUTBOX):
            self.after_commit()


class UpdateMiddleware(BaseMiddleware):
    """A seen update is skipped; otherwise the update gets a read session and the menu."""

    def __init__(self, store: Store, menu: menu_view.Menu) -> None:
        self.store = store
        self.menu = menu

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        if await self.store.seen.seen(event.update_id):
            log.info("update %s seen before; skipped", event.update_id)
            return None
        bot: Bot = data["bot"]
        replies.install(bot)
        session = self.store.reads()
        data["session"] = session
        data["store"] = self.store
        try:
            with menu_view.use(self.menu):
                result = await handler(event, data)
        finally:
            if session.in_transaction():  # closing an unused session costs a thread hop
                await session.close()
        await self.store.seen.remember(event.update_id)
        return result


class ActorMiddleware(BaseMiddleware):
    """The person behind the update with their households and roles: from the cache, else one
    read. A newcomer, or someone whose Telegram profile changed, is written in the update's
    write transaction (`data["arrival"]`), so a failed update leaves nobody half-made."""

    def __init__(self, store: Store, default_locale: str) -> None:
        self.store = store
        self.default_locale = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TgUser | None = data.get("event_from_user")
        if tg_user is None or tg_user.is_bot:
            data["locale"] = self.default_locale
            return await handler(event, data)
        profile = people.TelegramProfile(
            telegram_id=tg_user.id,
            name=tg_user.full_name,
            username=tg_user.username,
            language_code=tg_user.language_code,
        )
        now = self.store.clock()
        actor = self.store.actors.get(profile, now)
        if actor is None:
            actor, known = await people.lookup(data["session"], profile)
            if known:
                self.store.actors.put(profile, actor, now)
            else:
                data["arrival"] = profile
        data["actor"] = actor
        data["locale"] = people.pick_locale(
            actor.locale, profile.language_code, self.default_locale
        )
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
    if message is not None and message.text:
        words = message.text.split()
        return bool(words) and words[0].split("@")[0] == "/link"
    return update.callback_query is not None and (update.callback_query.data or "").startswith(
        "lk:"
    )


class LocaleMiddleware(I18nMiddleware):
    """The user's choice, else Telegram's language_code, else the default (ActorMiddleware)."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        return str(data.get("locale") or self.i18n.default_locale)


class DomainErrorMiddleware(BaseMiddleware):
    """A rule said no: say why in the user's language (the write transaction, if any, has
    already been rolled back, and nothing it collected was sent)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except DomainError as error:
            await _tell(event, error)
            return None


async def _tell(event: TelegramObject, error: DomainError) -> None:
    assert isinstance(event, Update)
    query: CallbackQuery | None = event.callback_query
    if query is not None:  # an alert is plain text
        await query.answer(error_text(error, html=False), show_alert=True)
        return
    message: Message | None = event.message
    if message is not None:
        await message.answer(error_text(error))


class WriteMiddleware(BaseMiddleware):
    """Inner: one write transaction for a handler that changes state (every handler not
    flagged read_only, and every update of a newcomer), with the update id recorded in it;
    replies sent after the commit."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        arrival: people.TelegramProfile | None = data.get("arrival")
        if get_flag(data, READ_ONLY) and arrival is None:
            return await handler(event, data)
        store = self.store
        update_id = data["event_update"].update_id
        reads: AsyncSession = data["session"]
        actor = data.get("actor")
        if reads.in_transaction():  # give back the read connection first
            await reads.close()
        collected = replies.Collecting()
        try:
            async with write_lock(store.sessions), store.sessions() as session:
                if not await updates.first_time(session, update_id, store.clock()):
                    log.info("update %s handled before; skipped", update_id)
                    await session.rollback()
                    return None
                data["session"] = session
                if arrival is not None:
                    _user, data["actor"] = await people.arrive(session, arrival, store.clock())
                try:
                    with collected:
                        result = await handler(event, data)
                    await session.commit()
                except SkipHandler:
                    # "not mine": nothing it changed stays, what it said is still said, and
                    # the next handler starts afresh (with the update id not yet recorded)
                    await session.rollback()
                    data["actor"] = actor
                    await collected.send(data["bot"])
                    raise
                except BaseException:
                    collected.discard()
                    await session.rollback()
                    data["actor"] = actor
                    raise
        finally:
            data["session"] = reads  # a later handler of this update reads as it did before
        store.committed(session, data.get("actor"))
        await collected.send(data["bot"])
        return result


def install(
    dispatcher: Any,
    *,
    sessions: async_sessionmaker[AsyncSession],
    reads: async_sessionmaker[AsyncSession],
    seen: SeenUpdates,
    actors: people.ActorCache,
    clock: Clock,
    i18n: I18n,
    menu: menu_view.Menu,
    after_commit: Callable[[], None],
) -> Store:
    store = Store(sessions, reads, seen, actors, clock, after_commit)
    dispatcher.update.outer_middleware(UpdateMiddleware(store, menu))
    dispatcher.update.outer_middleware(ActorMiddleware(store, i18n.default_locale))
    dispatcher.update.outer_middleware(GroupGate())
    dispatcher.update.outer_middleware(LocaleMiddleware(i18n))
    dispatcher.update.outer_middleware(DomainErrorMiddleware())
    for name, observer in dispatcher.observers.items():
        if name not in ("update", "error"):
            observer.middleware(WriteMiddleware(store))
    return store
