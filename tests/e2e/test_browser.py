"""The web chat in real headless Chromium: a resident joins by tapping buttons, a grid leader
approves, and the resident sees the main menu; on a small phone the chat stays usable, Back
stays in the page, files, photos and stickers reach the bot as Telegram would send them.
A failure saves a screenshot."""

from __future__ import annotations

import asyncio
import shutil
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from e2e_runner import Running
from tests_data import LEADER_ID, seed_courtyard

from services.clock import utc_now

RESIDENT_ID = 6101
SMALL_PHONE = {"width": 360, "height": 640}

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# the closed network here refuses Chromium's background connections; keep it from trying
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def page(request: pytest.FixtureRequest) -> AsyncIterator[object]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        try:
            yield page
        finally:
            failed = getattr(request.node, "failed", False)
            if failed:
                ARTIFACTS.mkdir(exist_ok=True)
                await page.screenshot(
                    path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True
                )
            await browser.close()


async def test_resident_joins_in_the_web_chat(running: Running, page: object) -> None:
    from playwright.async_api import Page, expect

    assert isinstance(page, Page)
    sandbox = running.sandbox
    data = await seed_courtyard(running.sessions, utc_now())
    sandbox.add_user("李网格长", user_id=LEADER_ID)
    sandbox.add_link(data["name"], f"https://t.me/{sandbox.bot_username}?start={data['invite']}")

    await page.goto(sandbox.api_url + "/")
    await expect(page.get_by_test_id("demo-note")).to_contain_text("虚构")
    # a new person comes to the page and joins through the invite link
    await page.get_by_test_id("new-person").click()
    await page.get_by_test_id("person-first-name").fill("王阿姨")
    await page.get_by_test_id("person-create").click()
    await page.get_by_test_id("invite-link").first.click()
    inline = page.get_by_test_id("inline-button")
    for label in ("2号楼", "1单元", "501", "业主"):
        await inline.filter(has_text=label).last.click()
    bot_messages = page.locator("[data-testid=message][data-from=bot]")
    await expect(bot_messages.last).to_contain_text("已发给网格长")

    # the grid leader approves from the same page
    await page.get_by_test_id("person-select").select_option(label="李网格长")
    await expect(inline.filter(has_text="✅ 同意").last).to_be_visible()
    await inline.filter(has_text="✅ 同意").last.click()
    await expect(bot_messages.last).to_contain_text("已同意")

    # back as the resident: welcomed, with the big menu buttons
    await page.get_by_test_id("person-select").select_option(label="王阿姨")
    await expect(bot_messages.last).to_contain_text("欢迎")
    await expect(page.get_by_test_id("reply-button").filter(has_text="🏠 我的家")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "web-chat-joined.png"))


def png(width: int, height: int) -> bytes:
    """A real (decodable) PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x40\x90\xd0" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def open_private_chat(page: Any, running: Running, *, messages: int = 0) -> None:
    """A resident with ``messages`` earlier exchanges opens the page and their bot chat."""
    from playwright.async_api import expect

    sandbox = running.sandbox
    sandbox.add_user("王阿姨", user_id=RESIDENT_ID)
    for number in range(messages):
        await running.reply_to(
            RESIDENT_ID, lambda n=number: sandbox.user_sends(RESIDENT_ID, f"第{n}条")
        )
    await page.goto(sandbox.api_url + "/")
    await page.get_by_test_id("chat-item").first.click()
    await expect(page.get_by_test_id("composer-input")).to_be_visible()


async def my_message(running: Running, number: int) -> dict[str, Any]:
    """The resident's ``number``-th message (from 1) once it has arrived from the page and the
    bot has answered it (so the bot parsed it)."""
    sandbox = running.sandbox
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while True:
        mine = [m for m in sandbox.messages(RESIDENT_ID) if not m["from"]["is_bot"]]
        if len(mine) >= number:
            break
        assert loop.time() < deadline, f"message {number} never came from the page"
        await sandbox.core.world.wait_change(0.2)
    message = mine[number - 1]
    await sandbox.wait_for_bot_message(RESIDENT_ID, after_message_id=message["message_id"])
    return message


async def test_after_a_photo_the_newest_message_is_in_view(running: Running, page: Any) -> None:
    await page.set_viewport_size(SMALL_PHONE)
    await open_private_chat(page, running, messages=8)

    await page.get_by_test_id("photo-input").set_input_files(
        files=[{"name": "wall.png", "mimeType": "image/png", "buffer": png(600, 800)}]
    )
    mine = await my_message(running, 9)
    assert "photo" in mine
    # the photo has loaded, the bot has answered, and the chat shows its bottom
    await page.wait_for_function(
        """() => {
          const box = document.getElementById("messages");
          const img = box.querySelector("[data-from=me] img");
          const bubbles = box.querySelectorAll("[data-testid=message]");
          const last = bubbles[bubbles.length - 1];
          return img && img.complete && img.naturalWidth > 0 && last.dataset.from === "bot"
            && box.scrollHeight - box.scrollTop - box.clientHeight < 2
            && box.scrollHeight > box.clientHeight;
        }""",
        timeout=10_000,
    )


async def test_a_small_phone_keeps_room_for_messages_under_a_big_keyboard(
    running: Running, page: Any
) -> None:
    from aiogram.types import KeyboardButton, ReplyKeyboardMarkup
    from playwright.async_api import expect

    await page.set_viewport_size(SMALL_PHONE)
    await open_private_chat(page, running)
    labels = [["🏠 我的家", "🛠 报修"], ["📋 我的报修", "📢 通知"], ["❓ 帮助", "🌐 语言"]]
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=text) for text in row] for row in labels],
        resize_keyboard=True,
    )
    await running.runtime.bot.send_message(RESIDENT_ID, "菜单", reply_markup=keyboard)
    buttons = page.get_by_test_id("reply-button")
    await expect(buttons).to_have_count(6)
    await expect(buttons.last).to_be_in_viewport()

    async def height(testid: str) -> float:
        box = await page.get_by_test_id(testid).bounding_box()
        assert box is not None, testid
        return float(box["height"])

    messages = page.locator("#messages")
    shown = await messages.bounding_box()
    assert shown is not None
    assert shown["height"] >= 300, shown
    # the top bar is one line: the brand and the person picker side by side, nothing wraps
    brand, who = (
        await page.get_by_test_id("brand").bounding_box(),
        await page.get_by_test_id("who").bounding_box(),
    )
    assert brand is not None
    assert who is not None
    assert who["y"] < brand["y"] + brand["height"]
    assert brand["y"] < who["y"] + who["height"]
    assert await page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    await expect(page.get_by_test_id("demo-note")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "web-chat-small-phone.png"))

    # the keyboard folds away and comes back
    await page.get_by_test_id("keyboard-toggle").click()
    await expect(buttons.first).to_be_hidden()
    folded = await messages.bounding_box()
    assert folded is not None
    assert folded["height"] > shown["height"] + 100
    await page.get_by_test_id("keyboard-toggle").click()
    await expect(buttons.first).to_be_visible()
    await buttons.filter(has_text="❓ 帮助").click()
    mine = await my_message(running, 1)
    assert mine["text"] == "❓ 帮助"


async def test_the_back_button_returns_to_the_chat_list_in_the_page(
    running: Running, page: Any
) -> None:
    from playwright.async_api import expect

    await page.set_viewport_size(SMALL_PHONE)
    await open_private_chat(page, running)
    chat_list = page.get_by_test_id("chat-item").first
    await expect(chat_list).to_be_hidden()  # on a phone the chat fills the screen

    await page.go_back()
    assert page.url.startswith(running.sandbox.api_url)
    await expect(chat_list).to_be_visible()
    await expect(page.get_by_test_id("composer-input")).to_be_hidden()

    await page.go_forward()
    await expect(page.get_by_test_id("composer-input")).to_be_visible()
    # the page's own ‹ does the same, and Back after it still stays in the page
    await page.locator("#back").click()
    await expect(chat_list).to_be_visible()
    assert page.url.startswith(running.sandbox.api_url)


async def test_a_text_file_through_the_camera_is_sent_as_a_document(
    running: Running, page: Any
) -> None:
    from playwright.async_api import expect

    await open_private_chat(page, running)
    await page.get_by_test_id("photo-input").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": "楼道灯坏了".encode()}]
    )
    mine = await my_message(running, 1)
    assert "photo" not in mine
    assert mine["document"]["file_name"] == "notes.txt"
    assert mine["document"]["mime_type"] == "text/plain"
    bubble = page.locator("[data-testid=message][data-from=me]").last
    await expect(bubble.get_by_test_id("document")).to_have_text("📄 notes.txt")
    await expect(bubble.locator("img")).to_have_count(0)

    # the 📎 menu's file button sends a document too
    await page.get_by_test_id("attach-toggle").click()
    await expect(page.get_by_test_id("attach-menu")).to_be_visible()
    await page.get_by_test_id("document-input").set_input_files(
        files=[{"name": "plan.png", "mimeType": "image/png", "buffer": png(4, 4)}]
    )
    mine = await my_message(running, 2)
    assert "photo" not in mine
    assert mine["document"]["file_name"] == "plan.png"


async def test_a_sticker_from_the_page_reaches_the_bot(running: Running, page: Any) -> None:
    from playwright.async_api import expect

    await open_private_chat(page, running)
    await page.get_by_test_id("sticker-toggle").click()
    await page.get_by_test_id("sticker-button").filter(has_text="👍").click()
    mine = await my_message(running, 1)
    assert mine["sticker"]["emoji"] == "👍"
    assert "text" not in mine
    bubble = page.locator("[data-testid=message][data-from=me]").last
    await expect(bubble.get_by_test_id("sticker")).to_have_text("👍")
    await expect(page.get_by_test_id("sticker-panel")).to_be_hidden()


async def test_the_page_asks_for_nothing_that_is_missing(running: Running, page: Any) -> None:
    """No 404 (the favicon included): every request the page makes is answered."""
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    await open_private_chat(page, running)
    await page.wait_for_load_state("load")
    await page.wait_for_timeout(500)  # let late requests (the icon) be made
    icon = await page.locator("link[rel=icon]").get_attribute("href")
    assert icon
    for url in (icon, "/favicon.ico"):
        response = await page.request.get(running.sandbox.api_url + url)
        assert response.status == 200, url
        assert "svg" in response.headers["content-type"]
    assert failed == []
