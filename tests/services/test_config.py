"""Settings: the defaults a fresh install runs with, the environment and .env overriding them,
one clear line for a malformed value, and secrets kept out of every printout."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, Settings, load_settings

VARIABLES = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "TELEGRAM_API_URL",
    "REDIS_URL",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_HOST",
    "WEBHOOK_PORT",
    "TIMEZONE",
    "DEFAULT_LOCALE",
    "QUIET_HOURS",
    "SEND_RATE_PER_SECOND",
    "BOT_USERNAME",
    "SANDBOX_PORT",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from the machine running the tests, and a working directory without .env."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults() -> None:
    settings = load_settings()

    assert settings.database_url == "sqlite+aiosqlite:///data/courtyard.sqlite3"
    assert settings.timezone == "Asia/Shanghai"
    assert settings.default_locale == "zh_Hans"
    assert settings.quiet_hours == "21:00-08:00"
    assert settings.send_rate_per_second == 25.0
    assert settings.token() is None
    assert settings.webhook_url is None
    assert settings.redis_url is None

    policy = settings.policy()
    assert policy.timezone == ZoneInfo("Asia/Shanghai")
    assert (policy.quiet_hours.start, policy.quiet_hours.end) == (time(21, 0), time(8, 0))
    assert policy.default_locale == "zh_Hans"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:ABC")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://bot@db.example/courtyard")
    monkeypatch.setenv("TIMEZONE", "Asia/Urumqi")
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    monkeypatch.setenv("QUIET_HOURS", "22:30-07:00")
    monkeypatch.setenv("SEND_RATE_PER_SECOND", "10")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example/hook/")

    settings = load_settings()

    assert settings.token() == "123456:ABC"
    assert settings.database_url == "postgresql+asyncpg://bot@db.example/courtyard"
    assert settings.send_rate_per_second == 10.0
    assert settings.webhook_url == "https://bot.example/hook"
    policy = settings.policy()
    assert policy.timezone == ZoneInfo("Asia/Urumqi")
    assert policy.default_locale == "en"
    assert (policy.quiet_hours.start, policy.quiet_hours.end) == (time(22, 30), time(7, 0))


def test_quiet_hours_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIET_HOURS", "off")
    quiet = load_settings().policy().quiet_hours
    assert not any(quiet.contains(time(hour, 0)) for hour in range(24))


def test_dotenv_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, clean_environment: Path
) -> None:
    (clean_environment / ".env").write_text(
        "# a comment\nBOT_TOKEN=999:FROMFILE\nTIMEZONE=Asia/Hong_Kong\nBOT_USERNAME=yard_bot\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.token() == "999:FROMFILE"
    assert settings.timezone == "Asia/Hong_Kong"
    assert settings.bot_username == "yard_bot"

    monkeypatch.setenv("TIMEZONE", "Asia/Shanghai")
    assert load_settings().timezone == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Mars/Base"),
        ("QUIET_HOURS", "abc"),
        ("QUIET_HOURS", "21:00"),
        ("DATABASE_URL", "mysql://x"),
        ("DEFAULT_LOCALE", "fr"),
        ("WEBHOOK_PORT", "eighty"),
        ("SEND_RATE_PER_SECOND", "0"),
        ("TELEGRAM_API_URL", "ftp://api.example"),
    ],
)
def test_a_malformed_setting_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:TOPSECRET")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message
    assert "TOPSECRET" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_secrets_are_not_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:TOKENSECRET")
    monkeypatch.setenv("WEBHOOK_SECRET", "HOOKSECRET")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://bot:DBSECRET@db.example/courtyard")
    monkeypatch.setenv("REDIS_URL", "redis://:REDISSECRET@cache.example:6379/0")

    settings = Settings()

    for shown in (repr(settings), str(settings)):
        for secret in ("TOKENSECRET", "HOOKSECRET", "DBSECRET", "REDISSECRET"):
            assert secret not in shown, f"{secret} shown in {shown}"
    assert "db.example/courtyard" in repr(settings)  # still says which store it is
    # the values themselves are intact for the code that needs them
    assert settings.token() == "123456:TOKENSECRET"
    assert settings.database_url.endswith(":DBSECRET@db.example/courtyard")
