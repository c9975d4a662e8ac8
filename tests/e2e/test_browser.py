"""The web chat in real headless Chromium: a resident joins by tapping buttons, a grid leader
approves, and the resident sees the main menu. A failure saves a screenshot."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from e2e_runner import Running
from tests_data import LEADER_ID, seed_courtyard

from services.clock import utc_now

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
