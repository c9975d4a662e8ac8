"""Conversation harness: the real Dispatcher fed real Update objects, a fake Bot session that
records every request in order, and people who send, tap and read like a person would."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import Default, DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    PinChatMessage,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVoice,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Document,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    PhotoSize,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    User,
    Voice,
)
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import replies
from bot.app import build_dispatcher
from bot.sender import OutboxSender, SenderSettings
from sandbox.markup import parse_html
from sandbox.params import ApiError
from services import outbox
from services.clock import FixedClock
from services.policy import Policy

BOT_ID = 777000
BOT_USERNAME = "courtyard_test_bot"
MORE_LABELS = ("➕ 更多", "➕ More")  # the main menu's way to its seldom used items
BACK_LABELS = ("↩ 返回主菜单", "↩ Main menu")  # and the way back


@dataclass
class Sent:
    """One request the bot made, as the fake Telegram saw it."""

    at: float  # virtual monotonic seconds
    method: TelegramMethod[Any]
    chat_id: int | None
    message_id: int | None = None


@dataclass(frozen=True)
class ReceivedFile:
    """A file the bot uploaded (a chart, a spreadsheet, a PDF), as the chat received it."""

    filename: str
    data: bytes
    as_photo: bool
    caption: str | None
    message_id: int


@dataclass
class ChatLog:
    messages: dict[int, Message] = field(default_factory=dict)
    reply_keyboard: ReplyKeyboardMarkup | None = None
    alerts: list[str] = field(default_factory=list)
    pinned: int | None = None  # the message id pinned in the chat
    files: list[ReceivedFile] = field(default_factory=list)


class VirtualTime:
    """Monotonic seconds that only move when someone sleeps: pacing is measured, not waited.

    With a `clock`, the store's clock moves with it: the sender dates deferred rows by the clock
    and paces by these seconds, and the two must agree as they would in a real process."""

    def __init__(self, clock: FixedClock | None = None) -> None:
        self.now = 1000.0
        self.clock = clock

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.now += seconds
        if self.clock is not None:
            self.clock.advance(seconds=seconds)


class FakeTelegram(BaseSession):
    """Records every request in order and answers as Telegram would; can be told to fail."""

    def __init__(self, time: VirtualTime) -> None:
        super().__init__()
        self.time = time
        self.requests: list[Sent] = []
        self.chats: dict[int, ChatLog] = {}
        self.blocked: set[int] = set()
        self.failures: list[tuple[Callable[[TelegramMethod[Any]], bool], Exception]] = []
        self._ids = itertools.count(1)
        self.answers: dict[str, str] = {}  # callback query id -> text shown to the tapper

    def chat(self, chat_id: int) -> ChatLog:
        return self.chats.setdefault(chat_id, ChatLog())

    def next_message_id(self) -> int:
        """As in Telegram, ids grow with every message in a chat, the person's and the bot's."""
        return next(self._ids)

    def fail_once(self, match: Callable[[TelegramMethod[Any]], bool], error: Exception) -> None:
        self.failures.append((match, error))

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    async def make_request(  # aiogram's BaseSession signature, timeout included
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        chat_id = getattr(method, "chat_id", None)
        chat_id = int(chat_id) if chat_id is not None else None
        for index, (match, error) in enumerate(self.failures):
            if match(method):
                del self.failures[index]
                self.requests.append(Sent(self.time.now, method, chat_id))
                raise error
        if chat_id in self.blocked and isinstance(
            method, SendMessage | SendPhoto | SendVoice | SendDocument
        ):
            self.requests.append(Sent(self.time.now, method, chat_id))
            raise TelegramForbiddenError(
                method=method, message="Forbidden: bot was blocked by the user"
            )
        sent = Sent(self.time.now, method, chat_id)
        self.requests.append(sent)
        self._check_markup(bot, method)
        return self._answer(method, sent)

    def _check_markup(self, bot: Bot, method: TelegramMethod[Any]) -> None:
        """Parse HTML as Telegram does (the sandbox's parser, Telegram's tags only): an
        unescaped value in any message fails the conversation that sent it."""
        if isinstance(method, SendMessage | EditMessageText):
            text: str | None = method.text
        elif isinstance(method, SendPhoto | SendVoice | SendDocument):
            text = method.caption
        else:
            return
        mode = method.parse_mode
        if isinstance(mode, Default):
            mode = bot.default[mode.name]
        if text is None or mode != ParseMode.HTML:
            return
        try:
            parse_html(text)
        except ApiError as error:
            raise TelegramBadRequest(method=method, message=error.description) from None

    def _answer(self, method: TelegramMethod[Any], sent: Sent) -> Any:
        if isinstance(method, GetMe):
            return bot_user()
        if isinstance(method, PinChatMessage):
            self.chat(int(method.chat_id)).pinned = method.message_id
            return True
        if isinstance(method, SendMessage | SendPhoto | SendDocument):
            assert sent.chat_id is not None
            message = self._message(sent.chat_id, method)
            sent.message_id = message.message_id
            return message
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            log = self.chat(int(method.chat_id or 0))
            old = log.messages.get(int(method.message_id or 0))
            if old is None:
                return True
            same_text = not isinstance(method, EditMessageText) or method.text == old.text
            if same_text and method.reply_markup == old.reply_markup:
                raise TelegramBadRequest(
                    method=method,
                    message=(
                        "Bad Request: message is not modified: specified new message content and "
                        "reply markup are exactly the same as a current content and reply markup "
                        "of the message"
                    ),
                )
            changes: dict[str, Any] = {"reply_markup": method.reply_markup}
            if isinstance(method, EditMessageText):
                changes["text"] = method.text
            new = old.model_copy(update=changes)
            log.messages[old.message_id] = new
            return new
        if isinstance(method, DeleteMessage):
            self.chat(int(method.chat_id)).messages.pop(method.message_id, None)
            return True
        if isinstance(method, AnswerCallbackQuery):
            self.answers[method.callback_query_id] = method.text or ""
            return True
        return True

    def _message(self, chat_id: int, method: SendMessage | SendPhoto | SendDocument) -> Message:
        log = self.chat(chat_id)
        markup = method.reply_markup
        if isinstance(markup, ReplyKeyboardMarkup):
            log.reply_keyboard = markup
        elif isinstance(markup, ReplyKeyboardRemove):
            log.reply_keyboard = None
        message_id = self.next_message_id()
        text = method.text if isinstance(method, SendMessage) else None
        caption = None if isinstance(method, SendMessage) else method.caption
        photo = document = None
        if isinstance(method, SendPhoto):
            file_id = self._received(log, method.photo, message_id, caption, as_photo=True)
            photo = [PhotoSize(file_id=file_id, file_unique_id="u", width=1, height=1)]
        elif isinstance(method, SendDocument):
            file_id = self._received(log, method.document, message_id, caption, as_photo=False)
            name = (
                method.document.filename if isinstance(method.document, BufferedInputFile) else None
            )
            document = Document(file_id=file_id, file_unique_id="d", file_name=name)
        message = Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=Chat(id=chat_id, type="private" if chat_id > 0 else "supergroup"),
            from_user=bot_user(),
            text=text,
            caption=caption,
            photo=photo,
            document=document,
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
        )
        log.messages[message.message_id] = message
        return message

    @staticmethod
    def _received(
        log: ChatLog, file: Any, message_id: int, caption: str | None, *, as_photo: bool
    ) -> str:
        """The file id Telegram would give: a file id sent again stays; an upload is kept."""
        if not isinstance(file, BufferedInputFile):
            return str(file)
        log.files.append(
            ReceivedFile(file.filename or "", file.data, as_photo, caption, message_id)
        )
        return f"upload-{message_id}"


def bot_user() -> User:
    return User(id=BOT_ID, is_bot=True, first_name="楼院管家", username=BOT_USERNAME)


class World:
    """A dispatcher, a fake Telegram, the outbox sender, and the people in the story."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        i18n: I18n,
        policy: Policy,
        clock: FixedClock,
        first_update_id: int = 1,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.i18n = i18n
        self.policy = policy
        self.time = VirtualTime(clock)
        self.telegram = FakeTelegram(self.time)
        self.bot = Bot(
            "123456:TEST",
            session=self.telegram,
            default=DefaultBotProperties(parse_mode=ParseMode.HTML),
        )
        replies.tolerate_unchanged(self.bot)  # as bot.app.build_bot does
        self.sender = self.new_sender()
        self.dispatcher: Dispatcher = build_dispatcher(
            sessions=sessions,
            i18n=i18n,
            policy=policy,
            clock=clock,
            after_commit=self.sender.notify,
            bot_username=BOT_USERNAME,
        )
        # Telegram's update ids only grow: a restarted world on the same store starts higher
        self._update_ids = itertools.count(first_update_id)
        self.callback_owner: dict[str, int] = {}
        self.people: dict[int, Person] = {}

    def new_sender(self, settings: SenderSettings | None = None) -> OutboxSender:
        """An outbox sender on this world's fake Telegram and virtual time (a restarted
        process gets a new one: its pacing starts afresh, the store is what remains)."""
        return OutboxSender(
            self.bot,
            self.sessions,
            self.i18n,
            self.policy,
            clock=self.clock,
            monotonic=self.time.monotonic,
            sleep=self.time.sleep,
            bot_username=BOT_USERNAME,
            settings=settings or SenderSettings(idle_wait=0.01),
        )

    def person(self, name: str, telegram_id: int, language_code: str = "zh-hans") -> Person:
        person = Person(
            self, User(id=telegram_id, is_bot=False, first_name=name, language_code=language_code)
        )
        self.people[telegram_id] = person
        return person

    def group(self, chat_id: int, title: str) -> Chat:
        assert chat_id < 0
        return Chat(id=chat_id, type="supergroup", title=title)

    async def feed(self, update: Update) -> None:
        result = await self.dispatcher.feed_update(self.bot, update)
        if isinstance(result, TelegramMethod):
            # a handler's returned reply, sent after the commit (as polling and webhooks do)
            await self.bot(result)
        await self.deliver()

    def next_update_id(self) -> int:
        return next(self._update_ids)

    async def deliver(self, rounds: int = 50, sender: OutboxSender | None = None) -> int:
        """Run the outbox sender until nothing is due (as of the set clock)."""
        sender = sender or self.sender
        total = 0
        for _ in range(rounds):
            handled = await sender.drain_once()
            total += handled
            if not handled:
                break
        return total

    async def deliver_all(
        self, sender: OutboxSender | None = None, within: float = 24 * 3600.0
    ) -> float:
        """Deliver everything that waits, moving virtual time (and the clock) to each row that
        comes due later: throttled, retried, or leased by a sender that died. Returns the
        virtual seconds it took; fails if the outbox is not empty `within` that many."""
        start = self.time.now
        while True:
            await self.deliver(sender=sender)
            async with self.sessions() as session:
                due = await outbox.next_due_at(session)
            if due is None:
                return self.time.now - start
            wait = (due - self.clock()).total_seconds()
            assert self.time.now + wait - start <= within, f"outbox not empty after {within}s"
            self.time.advance(max(wait, 0.001))

    async def add_bot_to_group(self, chat: Chat, by: Person) -> None:
        update = Update(
            update_id=self.next_update_id(),
            my_chat_member=ChatMemberUpdated(
                chat=chat,
                from_user=by.user,
                date=datetime.now(UTC),
                old_chat_member=ChatMemberLeft(user=bot_user()),
                new_chat_member=ChatMemberMember(user=bot_user()),
            ),
        )
        await self.feed(update)


class Person:
    def __init__(self, world: World, user: User) -> None:
        self.world = world
        self.user = user

    @property
    def id(self) -> int:
        return self.user.id

    def _log(self, chat: Chat | None = None) -> ChatLog:
        return self.world.telegram.chat(chat.id if chat else self.id)

    def message_update(self, text: str, chat: Chat | None = None, **extra: Any) -> Update:
        chat = chat or Chat(id=self.id, type="private", first_name=self.user.first_name)
        entities = None
        if text.startswith("/"):
            command = text.split()[0]
            entities = [MessageEntity(type="bot_command", offset=0, length=len(command))]
        message = Message(
            message_id=self.world.telegram.next_message_id(),
            date=datetime.now(UTC),
            chat=chat,
            from_user=self.user,
            text=text if text else None,
            entities=entities,
            **extra,
        )
        return Update(update_id=self.world.next_update_id(), message=message)

    async def sends(self, text: str, chat: Chat | None = None) -> None:
        await self.world.feed(self.message_update(text, chat))

    async def sends_photo(
        self, file_id: str, caption: str | None = None, chat: Chat | None = None
    ) -> None:
        update = self.message_update(
            "",
            chat,
            photo=[PhotoSize(file_id=file_id, file_unique_id=file_id[-8:], width=800, height=600)],
            caption=caption,
        )
        await self.world.feed(update)

    async def sends_voice(self, file_id: str, duration: int = 5, chat: Chat | None = None) -> None:
        update = self.message_update(
            "", chat, voice=Voice(file_id=file_id, file_unique_id=file_id[-8:], duration=duration)
        )
        await self.world.feed(update)

    def tap_update(self, text: str, chat: Chat | None = None) -> Update:
        log = self._log(chat)
        for message in reversed(list(log.messages.values())):
            markup = message.reply_markup
            if not markup:
                continue
            for row in markup.inline_keyboard:
                for button in row:
                    if button.text == text and button.callback_data:
                        return self.callback_update(message, button.callback_data)
        raise AssertionError(f"no inline button {text!r}; buttons: {self.buttons(chat)}")

    def callback_update(self, message: Message, data: str) -> Update:
        query_id = f"cq{self.world.next_update_id()}"
        self.world.callback_owner[query_id] = self.id
        return Update(
            update_id=self.world.next_update_id(),
            callback_query=CallbackQuery(
                id=query_id, from_user=self.user, chat_instance="ci", message=message, data=data
            ),
        )

    async def taps(self, text: str, chat: Chat | None = None) -> None:
        """Tap an inline button (newest message first), else a reply-keyboard button (through
        「➕ 更多」 when it is not on the main menu, as a person would)."""
        try:
            update = self.tap_update(text, chat)
        except AssertionError:
            keyboard = self._log(chat).reply_keyboard
            labels = [b.text for row in keyboard.keyboard for b in row] if keyboard else []
            for way in (BACK_LABELS, MORE_LABELS):  # back to the main menu, or on to 「更多」
                step = next((label for label in labels if label in way), None)
                if text in labels or step is None:
                    continue
                await self.world.feed(self.message_update(step, chat))
                keyboard = self._log(chat).reply_keyboard
                labels = [b.text for row in keyboard.keyboard for b in row] if keyboard else []
            if text not in labels:
                raise
            update = self.message_update(text, chat)
        await self.world.feed(update)

    def buttons(self, chat: Chat | None = None) -> list[str]:
        """Inline buttons of the newest message that has any."""
        for message in reversed(list(self._log(chat).messages.values())):
            if message.reply_markup:
                return [b.text for row in message.reply_markup.inline_keyboard for b in row]
        return []

    def menu(self) -> list[str]:
        keyboard = self._log().reply_keyboard
        return [b.text for row in keyboard.keyboard for b in row] if keyboard else []

    def texts(self, chat: Chat | None = None) -> list[str]:
        return [m.text or m.caption or "" for m in self._log(chat).messages.values()]

    def last_message(self, chat: Chat | None = None) -> str:
        texts = self.texts(chat)
        assert texts, f"{self.user.first_name} received nothing"
        return texts[-1]

    def files(self, chat: Chat | None = None) -> list[ReceivedFile]:
        """Files the bot uploaded to this person (or chat), oldest first."""
        return list(self._log(chat).files)

    def alerts(self) -> list[str]:
        """What tapping buttons showed this person (answerCallbackQuery texts), in order."""
        return [
            text
            for query_id, text in self.world.telegram.answers.items()
            if self.world.callback_owner.get(query_id) == self.id and text
        ]
