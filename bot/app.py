"""Assembly: everything is built here, in functions; nothing at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.types import BotCommandScopeAllGroupChats, BotCommandScopeChat
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import features, middlewares, replies
from bot.config import TELEGRAM_API, Settings
from bot.i18n import build_i18n
from bot.retry import RetryAfter
from bot.seen import MemorySeen, RedisSeen, SeenUpdates
from bot.sender import OutboxSender, SenderSettings
from bot.startup import wait_for_telegram
from models.db import create_engine, read_session_factory, session_factory
from scheduler.jobs import JobContext
from scheduler.leader import lead_when_possible
from scheduler.setup import build_scheduler
from services import people
from services.clock import Clock, utc_now
from services.policy import Policy
from views.commands import bot_commands
from views.menu import Menu

log = logging.getLogger("courtyard")


def build_bot(token: str, api_url: str = TELEGRAM_API) -> Bot:
    session = (
        AiohttpSession(api=TelegramAPIServer.from_base(api_url))
        if api_url.rstrip("/") != TELEGRAM_API
        else AiohttpSession()
    )
    bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    replies.tolerate_unchanged(bot)  # the sender's edits too
    return bot


def build_storage(
    redis_url: str | None, token: str = ""
) -> tuple[BaseStorage, BaseEventIsolation, SeenUpdates]:
    """Conversation state, per-chat event isolation and recently handled update ids: in memory
    for one process, in Redis when several bot processes serve one token (webhook behind a
    load balancer)."""
    if redis_url:
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

        storage = RedisStorage.from_url(redis_url)
        bot_id = token.split(":", 1)[0]
        seen = RedisSeen(storage.redis, prefix=f"courtyard:{bot_id}:update:")
        return storage, RedisEventIsolation(storage.redis), seen
    return MemoryStorage(), SimpleEventIsolation(), MemorySeen()


def build_dispatcher(
    *,
    sessions: async_sessionmaker[AsyncSession],
    i18n: I18n,
    policy: Policy,
    clock: Clock = utc_now,
    after_commit: Callable[[], None] = lambda: None,
    storage: BaseStorage | None = None,
    events_isolation: BaseEventIsolation | None = None,
    seen: SeenUpdates | None = None,
    bot_username: str | None = None,
    feature_list: tuple[features.Feature, ...] = features.FEATURES,
) -> Dispatcher:
    dispatcher = Dispatcher(
        storage=storage or MemoryStorage(),
        events_isolation=events_isolation or SimpleEventIsolation(),
    )
    dispatcher["clock"] = clock
    dispatcher["policy"] = policy
    dispatcher["bot_username"] = bot_username
    # what each kind of visit on the 🚪 list is called (handlers.visits)
    dispatcher["visit_kinds"] = features.visit_kinds(feature_list)
    people.track_actor_changes()
    middlewares.install(
        dispatcher,
        sessions=sessions,
        reads=read_session_factory(sessions.kw["bind"]),
        seen=seen or MemorySeen(),
        actors=people.ActorCache(),
        clock=clock,
        i18n=i18n,
        menu=features.menu(feature_list),
        after_commit=after_commit,
    )
    dispatcher.include_routers(*features.routers(feature_list))
    return dispatcher


@dataclass
class Runtime:
    """The running pieces of one bot process."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    bot: Bot
    dispatcher: Dispatcher
    sender: OutboxSender
    jobs: JobContext
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def build_sender(
    settings: Settings,
    token: str,
    sessions: async_sessionmaker[AsyncSession],
    *,
    clock: Clock = utc_now,
    bot_username: str | None = None,
) -> OutboxSender:
    """The outbox sender, with a Bot of its own (it reschedules on 429 rather than waiting in
    line) and every feature's renderers and menu: the bot process and `courtyard send` alike."""
    return OutboxSender(
        build_bot(token, settings.telegram_api_url),
        sessions,
        build_i18n(settings.default_locale),
        settings.policy(),
        clock=clock,
        bot_username=bot_username,
        settings=SenderSettings(per_second=settings.send_rate_per_second),
        menu=features.menu(),
    )


async def run_sender(settings: Settings, token: str) -> None:
    """`courtyard send`: the sender alone, until cancelled (webhook processes then only write
    the outbox; exactly one or several senders deliver it)."""
    engine = create_engine(settings.database_url)
    sender = build_sender(settings, token, session_factory(engine))
    try:
        me = await wait_for_telegram(sender.bot, settings.telegram_api_url)
        sender.context = replace(sender.context, bot_username=settings.bot_username or me.username)
        log.info("outbox sender for @%s running", sender.context.bot_username)
        await sender.run()
    finally:
        await sender.bot.session.close()
        await engine.dispose()


async def assemble(settings: Settings, token: str, *, clock: Clock = utc_now) -> Runtime:
    policy = settings.policy()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    i18n = build_i18n(settings.default_locale)
    bot = build_bot(token, settings.telegram_api_url)
    bot.session.middleware(RetryAfter())
    me = await wait_for_telegram(bot, settings.telegram_api_url)
    username = settings.bot_username or me.username
    sender = build_sender(settings, token, sessions, clock=clock, bot_username=username)
    storage, isolation, seen = build_storage(settings.redis_url, token)
    dispatcher = build_dispatcher(
        sessions=sessions,
        i18n=i18n,
        policy=policy,
        clock=clock,
        after_commit=sender.notify,
        storage=storage,
        events_isolation=isolation,
        seen=seen,
        bot_username=username,
    )
    jobs = JobContext(sessions=sessions, clock=clock, policy=policy, after_commit=sender.notify)
    log.info("bot @%s ready (store: %s)", username, engine.url.render_as_string(hide_password=True))
    return Runtime(settings, engine, sessions, bot, dispatcher, sender, jobs)


async def set_commands(bot: Bot, i18n: I18n, menu: Menu | None = None) -> None:
    """The ☰ command list: everyone's and the groups', in the default locale and in English for
    English clients. Staff get their own lists per chat (`set_staff_commands`)."""
    menu = menu or features.menu()
    group = BotCommandScopeAllGroupChats()
    for locale, language in ((i18n.default_locale, None), ("en", "en")):
        await bot.set_my_commands(bot_commands(menu, i18n, locale), language_code=language)
        await bot.set_my_commands(
            bot_commands(menu, i18n, locale, group=True), scope=group, language_code=language
        )


async def set_staff_commands(
    bot: Bot, i18n: I18n, sessions: async_sessionmaker[AsyncSession], menu: Menu | None = None
) -> int:
    """Each staff member's ☰ list in their private chat: everyone's commands and their roles',
    in their language. Returns how many lists were set."""
    menu = menu or features.menu()
    async with sessions() as session:
        staff = await people.staff_for_commands(session)
    for person in staff:
        locale = people.pick_locale(person.locale, person.language_code, i18n.default_locale)
        await bot.set_my_commands(
            bot_commands(menu, i18n, locale, person.roles),
            scope=BotCommandScopeChat(chat_id=person.telegram_id),
        )
    return len(staff)


async def poll(runtime: Runtime) -> None:
    """Poll until cancelled. aiogram stops its polling tasks only through stop_polling(); a
    plain cancel would leave them running, so a cancel is turned into that."""
    polling = asyncio.create_task(
        runtime.dispatcher.start_polling(runtime.bot, handle_signals=False, close_bot_session=False)
    )
    try:
        await asyncio.shield(polling)
    except asyncio.CancelledError:
        with contextlib.suppress(RuntimeError):  # it may not have started yet
            await runtime.dispatcher.stop_polling()
        await asyncio.gather(polling, return_exceptions=True)
        raise


async def run(runtime: Runtime) -> None:
    """Serve until cancelled: polling by default, the webhook when WEBHOOK_URL is set."""
    from bot import webhook

    scheduler = build_scheduler(runtime.jobs, features.jobs())
    leading = asyncio.create_task(
        lead_when_possible(runtime.engine, scheduler.start), name="scheduler-leader"
    )
    sender_task = asyncio.create_task(runtime.sender.run(), name="outbox-sender")
    try:
        try:
            await set_commands(runtime.bot, runtime.sender.i18n)
            await set_staff_commands(runtime.bot, runtime.sender.i18n, runtime.sessions)
        except Exception as error:  # a Bot API server without setMyCommands is fine
            log.warning("could not set commands: %s", error)
        if runtime.settings.webhook_url:
            await webhook.serve(runtime)
        else:
            await runtime.bot.delete_webhook(drop_pending_updates=False)
            await poll(runtime)
    finally:
        leading.cancel()
        sender_task.cancel()
        await asyncio.gather(leading, sender_task, return_exceptions=True)
        if scheduler.running:
            scheduler.shutdown(wait=False)
        await runtime.bot.session.close()
        await runtime.sender.bot.session.close()
        await runtime.engine.dispose()
