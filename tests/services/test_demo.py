"""The demo (`make run` without a token) runs with quiet hours off unless they are set, and
its banner says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.demo import DEMO_DATABASE, banner, demo_settings


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("QUIET_HOURS", "DATABASE_URL", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env


def test_the_demo_has_quiet_hours_off_and_says_so(i18n: I18n) -> None:
    settings = demo_settings(Settings())
    assert settings.database_url == DEMO_DATABASE
    assert not settings.policy().quiet_hours.active
    with i18n.context(), i18n.use_locale("zh_Hans"):
        text = banner(settings, "http://127.0.0.1:8080", {"纬三路13号院": "join-abc"})
    assert "演示中免打扰时段已关闭" in text
    assert "/start join-abc" in text


def test_quiet_hours_set_for_the_demo_are_kept(i18n: I18n, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIET_HOURS", "22:00-07:00")
    settings = demo_settings(Settings())
    assert settings.policy().quiet_hours.active
    with i18n.context(), i18n.use_locale("zh_Hans"):
        assert "免打扰" not in banner(settings, "http://127.0.0.1:8080", {})
