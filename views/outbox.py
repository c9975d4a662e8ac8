"""Renderers for outbox rows: kind -> (text, keyboard), called at send time in the
recipient's locale. Features register theirs with @renders("kind")."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup


@dataclass(frozen=True)
class Rendered:
    text: str
    # a reply keyboard replaces the recipient's menu (e.g. once they are approved)
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None
    photo: str | None = None  # a Telegram file id; text becomes its caption
    edit_message_id: int | None = None  # edit this message instead of sending a new one


@dataclass(frozen=True)
class RenderContext:
    timezone: ZoneInfo
    bot_username: str | None = None


Renderer = Callable[[dict[str, Any], RenderContext], Rendered]
RENDERERS: dict[str, Renderer] = {}

# modules whose @renders decorators fill RENDERERS
FEATURE_VIEWS = ("views.membership", "views.tickets.cards", "views.tickets.notices")


def renders(kind: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        if kind in RENDERERS and RENDERERS[kind] is not function:
            raise ValueError(f"two renderers for {kind}")
        RENDERERS[kind] = function
        return function

    return register


def load_renderers() -> dict[str, Renderer]:
    for module in FEATURE_VIEWS:
        importlib.import_module(module)
    return RENDERERS


def render(kind: str, payload: dict[str, Any], context: RenderContext) -> Rendered:
    try:
        renderer = RENDERERS[kind]
    except KeyError:
        raise LookupError(f"no view for outbox kind {kind!r}") from None
    return renderer(payload, context)
