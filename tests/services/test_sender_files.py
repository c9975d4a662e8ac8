"""Files built at send time: a renderer that returns an attachment makes the sender upload it
(a photo or a document, the text as its caption, or first on its own when too long for one),
and a handler's file answer is collected like any reply and sent after the commit."""

from __future__ import annotations

from typing import ClassVar

from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from harness import World

from bot import replies
from bot.features import FEATURES
from bot.sender import OutboxSender, SenderSettings
from handlers.attachments import send_file
from models import User
from services import outbox
from services.outbox import OutboxPayload
from views.outbox import CAPTION_LIMIT, Attachment, RenderContext, Rendered, RenderTable

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
XLSX = b"PK\x03\x04" + b"\0" * 64


class FiguresReady(OutboxPayload):
    kind: ClassVar[str] = "test.figures"
    as_photo: bool
    text: str


def figures(payload: FiguresReady, _context: RenderContext) -> Rendered:
    data, name = (PNG, "收费率.png") if payload.as_photo else (XLSX, "收费率.xlsx")
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="明细", callback_data="x")]]
    )
    return Rendered(payload.text, keyboard, attachment=Attachment(data, name, payload.as_photo))


def sender(world: World) -> OutboxSender:
    return OutboxSender(
        world.bot,
        world.sessions,
        world.i18n,
        world.policy,
        clock=world.clock,
        renderers=RenderTable([*(f.renderers for f in FEATURES), {FiguresReady: figures}]),
        monotonic=world.time.monotonic,
        sleep=world.time.sleep,
        settings=SenderSettings(idle_wait=0.01),
    )


async def send_to_a_resident(world: World, payload: FiguresReady) -> int:
    async with world.sessions() as session, session.begin():
        user = User(
            telegram_id=4242, name="王阿姨", language_code="zh-hans", created_at=world.clock()
        )
        session.add(user)
        await session.flush()
        await outbox.enqueue(session, payload, dedupe_key="f", now=world.clock(), user_id=user.id)
    return await world.deliver(sender=sender(world))


def methods(world: World) -> list[type]:
    return [type(sent.method) for sent in world.telegram.requests]


async def test_a_chart_goes_as_a_photo_with_its_caption_and_buttons(world: World) -> None:
    assert await send_to_a_resident(world, FiguresReady(as_photo=True, text="12月收费率")) == 1

    resident = world.person("王阿姨", 4242)
    assert methods(world) == [SendPhoto]
    [received] = resident.files()
    assert received.data == PNG
    assert received.as_photo
    assert received.caption == "12月收费率"
    assert resident.buttons() == ["明细"]


async def test_a_spreadsheet_goes_as_a_document_with_its_name(world: World) -> None:
    await send_to_a_resident(world, FiguresReady(as_photo=False, text="12月明细"))

    resident = world.person("王阿姨", 4242)
    assert methods(world) == [SendDocument]
    [received] = resident.files()
    assert (received.filename, received.data, received.as_photo) == ("收费率.xlsx", XLSX, False)
    assert resident.last_message() == "12月明细"


async def test_a_text_too_long_for_a_caption_goes_first_on_its_own(world: World) -> None:
    long_text = "说明" * (CAPTION_LIMIT // 2 + 1)

    await send_to_a_resident(world, FiguresReady(as_photo=False, text=long_text))

    resident = world.person("王阿姨", 4242)
    assert methods(world) == [SendMessage, SendDocument]
    assert resident.texts() == [long_text, ""]
    assert resident.files()[0].caption is None
    assert resident.buttons() == ["明细"]  # the keyboard stays with the file


async def test_a_file_answer_is_collected_until_the_commit(world: World) -> None:
    replies.install(world.bot)
    rendered = Rendered("收费明细", attachment=Attachment(XLSX, "明细.xlsx", as_photo=False))

    with replies.Collecting() as collected:
        await send_file(world.bot, 4242, rendered)
        await world.bot.send_photo(4242, BufferedInputFile(PNG, filename="图.png"))
        assert world.telegram.requests == []
    await collected.send(world.bot)

    assert methods(world) == [SendDocument, SendPhoto]
    files = world.person("王阿姨", 4242).files()
    assert [(f.filename, f.data) for f in files] == [("明细.xlsx", XLSX), ("图.png", PNG)]
