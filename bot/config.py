"""Configuration from the environment and an optional .env file (pydantic-settings)."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from services.policy import Policy, QuietHours

TELEGRAM_API = "https://api.telegram.org"


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{Path('data') / 'courtyard.sqlite3'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = Field(default_factory=default_database_url)
    telegram_api_url: str = TELEGRAM_API
    redis_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_Hans"
    quiet_hours: str = "21:00-08:00"
    send_rate_per_second: float = Field(default=25.0, gt=0, le=1000)
    bot_username: str | None = None
    sandbox_port: int = Field(default=8080, ge=0, le=65535)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("zh_Hans", "en"):
            raise ValueError("must be zh_Hans or en")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("telegram_api_url", "webhook_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    def __repr_args__(self) -> Any:
        # URLs may carry a password: show them the way logs do, with the password hidden
        for name, value in super().__repr_args__():
            if name in ("database_url", "redis_url") and isinstance(value, str):
                value = hide_password(value)
            yield name, value

    def policy(self) -> Policy:
        return Policy(
            timezone=ZoneInfo(self.timezone),
            quiet_hours=parse_quiet_hours(self.quiet_hours),
            default_locale=self.default_locale,
        )

    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None


def hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "***"


def parse_quiet_hours(value: str) -> QuietHours:
    """'21:00-08:00' -> QuietHours; 'off' or '' turns them off."""
    if value.strip().lower() in ("", "off", "none"):
        return QuietHours(time(0, 0), time(0, 0))
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ValueError("must look like 21:00-08:00, or off") from None
    return QuietHours(start, end)


class ConfigError(Exception):
    """One clear line naming the variable that is missing or malformed."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        # never echo the input: it may be a secret
        raise ConfigError(f"{name}: {first['msg']}") from None
