"""Rendering outbox rows at send time, in the recipient's locale.

Each feature's views expose a plain table `RENDERERS: dict[type[OutboxPayload], Renderer[Any]]`
(payload type -> function). `RenderTable` is built from those tables (the application passes
every feature's); it turns a stored row back into its typed payload and calls the renderer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, ReplyKeyboardMarkup

from services.outbox import OutboxPayload

# Telegram's limit on a photo's or document's caption; a longer text goes as its own message
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class Attachment:
    """A file built at send time (a chart, a spreadsheet, a PDF), uploaded with the message."""

    data: bytes
    filename: str  # shown to the person, e.g. "收费率-2026-12.xlsx"
    as_photo: bool = False  # a PNG shown inline (send_photo) rather than as a document

    def input_file(self) -> BufferedInputFile:
        return BufferedInputFile(self.data, filename=self.filename)


@dataclass(frozen=True)
class Rendered:
    text: str
    # a reply keyboard replaces the recipient's menu (e.g. once they are approved)
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None
    photo: str | None = None  # a Telegram file id; text becomes its caption
    document: str | None = None  # a Telegram file id of a file (a PDF); text is its caption
    pin: bool = False  # pin the message once sent (urgent notices in a group)
    edit_message_id: int | None = None  # edit this message instead of sending a new one
    # uploaded with the text as its caption (or after the text, when longer than a caption)
    attachment: Attachment | None = None

    def caption_fits(self) -> bool:
        return len(self.text) <= CAPTION_LIMIT


@dataclass(frozen=True)
class RenderContext:
    timezone: ZoneInfo
    bot_username: str | None = None


P = TypeVar("P", bound=OutboxPayload)
Renderer = Callable[[P, RenderContext], Rendered]
Renderers = dict[type[OutboxPayload], Renderer[Any]]


class RenderTable:
    """Every kind the sender can render: one payload type and one renderer per kind."""

    def __init__(self, tables: Iterable[Mapping[type[OutboxPayload], Renderer[Any]]]) -> None:
        self._kinds: dict[str, tuple[type[OutboxPayload], Renderer[Any]]] = {}
        for table in tables:
            for payload_type, renderer in table.items():
                kind = getattr(payload_type, "kind", None)
                if not isinstance(kind, str):
                    raise TypeError(f"{payload_type.__name__} names no outbox kind")
                if kind in self._kinds:
                    raise ValueError(f"two renderers for outbox kind {kind!r}")
                self._kinds[kind] = (payload_type, renderer)

    def payload_types(self) -> set[type[OutboxPayload]]:
        return {payload_type for payload_type, _renderer in self._kinds.values()}

    def render(
        self, row_kind: str, row_payload: Mapping[str, Any], context: RenderContext
    ) -> Rendered:
        """The row's JSON read back into its payload type, rendered. LookupError for a kind
        nobody renders; pydantic's ValidationError for a payload that does not fit it."""
        try:
            payload_type, renderer = self._kinds[row_kind]
        except KeyError:
            raise LookupError(f"no view for outbox kind {row_kind!r}") from None
        return renderer(payload_type.model_validate(row_payload), context)
