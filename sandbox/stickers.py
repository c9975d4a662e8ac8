"""The sandbox's own small sticker set, so a bot's handling of stickers can be tried.

Telegram users send stickers from sets; the sandbox has one set of three, with made-up but
stable file ids. Each sticker's file is a small SVG (a real one would be WebP), so a bot that
downloads it gets a real image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.world import StoredFile, World

JSON = dict[str, Any]
SET_NAME = "courtyard_sandbox"
SIZE = 512


@dataclass(frozen=True)
class Sticker:
    name: str
    emoji: str
    colour: str

    @property
    def file_id(self) -> str:
        return f"SBXSTK_{self.name}"

    @property
    def file_unique_id(self) -> str:
        return f"USTK{self.name}"

    def svg(self) -> bytes:
        # a plain shape, not the emoji: no emoji font is needed to draw it
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}">'
            f'<circle cx="256" cy="256" r="240" fill="{self.colour}"/></svg>'
        ).encode()


STICKERS = (
    Sticker("thumbs_up", "👍", "#4caf50"),
    Sticker("thanks", "🙏", "#ff9800"),
    Sticker("smile", "😊", "#ffc107"),
)


def sticker_named(name: str) -> Sticker:
    for sticker in STICKERS:
        if sticker.name == name:
            return sticker
    raise LookupError(f"no sticker {name!r} in the sandbox's set")


def sticker_file(world: World, sticker: Sticker) -> StoredFile:
    """The sticker's file in the world, stored on first use under its fixed file id."""
    stored = world.files.get(sticker.file_id)
    if stored is None:
        stored = world.store_file(
            sticker.svg(),
            "sticker",
            mime_type="image/svg+xml",
            size=(SIZE, SIZE),
            file_id=sticker.file_id,
        )
        stored.file_unique_id = sticker.file_unique_id
        stored.emoji = sticker.emoji
        stored.set_name = SET_NAME
    return stored


def sticker_json(world: World, sticker: Sticker) -> JSON:
    """A Telegram Sticker object."""
    json: JSON = sticker_file(world, sticker).media_json()
    return json


def catalogue() -> list[JSON]:
    """The set as the web chat shows it."""
    return [{"name": s.name, "emoji": s.emoji} for s in STICKERS]
