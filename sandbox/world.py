"""The sandbox world: people, chats, messages and files, all in memory.

Message dicts are stored in Telegram's JSON shape so they can be handed to the bot as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass
class SandboxUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str = "zh-hans"
    blocked_bot: bool = False

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        data["language_code"] = self.language_code
        return data

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass
class StoredMessage:
    data: JSON  # Telegram Message JSON
    deleted: bool = False
    edited: bool = False
    html: str | None = None  # the raw text as the bot sent it, when parse_mode was HTML

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])

    @property
    def from_bot(self) -> bool:
        return bool(self.data.get("from", {}).get("is_bot"))

    def public(self) -> JSON:
        """The message as tests see it: Telegram JSON plus ``deleted`` and ``edited``."""
        data = copy.deepcopy(self.data)
        data["deleted"] = self.deleted
        data["edited"] = self.edited
        return data


@dataclass
class SandboxChat:
    id: int
    type: str  # "private" or "supergroup"
    title: str | None = None
    user: SandboxUser | None = None  # the person, for a private chat
    member_ids: list[int] = field(default_factory=list)
    creator_id: int | None = None
    admin_ids: set[int] = field(default_factory=set)
    bot_member: bool = False
    messages: list[StoredMessage] = field(default_factory=list)
    next_message_id: int = 1
    pinned_message_id: int | None = None
    reply_keyboard: JSON | None = None  # the ReplyKeyboardMarkup currently shown
    last_action: tuple[str, float] | None = None  # (chat action, wall time)

    def to_json(self) -> JSON:
        if self.type == "private" and self.user is not None:
            data: JSON = {"id": self.id, "first_name": self.user.first_name}
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
            data["type"] = "private"
            return data
        return {"id": self.id, "title": self.title or "", "type": self.type}

    def find(self, message_id: int) -> StoredMessage | None:
        # message ids are 1..n in order, so index directly
        index = message_id - 1
        if 0 <= index < len(self.messages):
            return self.messages[index]
        return None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # photo, voice, document
    file_path: str
    mime_type: str
    file_name: str | None = None
    width: int = 0
    height: int = 0
    duration: int = 0
    emoji: str | None = None  # a sticker's
    set_name: str | None = None  # a sticker's, when it is from a set
    # a photo's smaller sizes, as Telegram sends them (the sandbox does not scale the bytes)
    smaller: list[StoredFile] = field(default_factory=list)

    def file_json(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def size_json(self) -> JSON:
        """One PhotoSize."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "width": self.width,
            "height": self.height,
        }

    def media_json(self) -> Any:
        base = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.kind == "photo":
            return [size.size_json() for size in self.smaller] + [self.size_json()]
        if self.kind == "voice":
            return {**base, "duration": self.duration, "mime_type": self.mime_type}
        if self.kind == "sticker":
            sticker: JSON = {
                **base,
                "type": "regular",
                "width": self.width,
                "height": self.height,
                "is_animated": False,
                "is_video": False,
            }
            if self.emoji:
                sticker["emoji"] = self.emoji
            if self.set_name:
                sticker["set_name"] = self.set_name
            return sticker
        doc = {**base, "mime_type": self.mime_type}
        if self.file_name:
            doc["file_name"] = self.file_name
        return doc


_EXTENSIONS = {"photo": "jpg", "voice": "oga", "document": "bin", "sticker": "svg"}
_PHOTO_SIZES = (90, 320, 800, 1280)  # the longest side of the smaller sizes Telegram makes


class World:
    """Everything that exists in the sandbox, and a way to wait for it to change."""

    def __init__(self) -> None:
        self.users: dict[int, SandboxUser] = {}
        self.chats: dict[int, SandboxChat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.version = 0
        # links shown beside the chats (e.g. demo invite links), as (title, url)
        self.links: list[tuple[str, str]] = []
        self._changed = asyncio.Event()
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(1)
        self._file_numbers = itertools.count(1)

    # -- change notification -------------------------------------------------------------
    def touch(self) -> None:
        """Something changed: wake everyone waiting for a change."""
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_change(self, seconds: float) -> None:
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    # -- people and chats ----------------------------------------------------------------
    def add_user(
        self,
        first_name: str,
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "zh-hans",
    ) -> SandboxUser:
        if not first_name.strip():
            raise ValueError("first_name is empty")
        uid = user_id if user_id is not None else next(self._user_ids)
        while user_id is None and uid in self.users:
            uid = next(self._user_ids)
        if uid <= 0 or uid in self.users:
            raise ValueError(f"user id {uid} is taken or invalid")
        user = SandboxUser(uid, first_name.strip(), last_name, username, language_code)
        self.users[uid] = user
        self.chats[uid] = SandboxChat(id=uid, type="private", user=user)
        self.touch()
        return user

    def add_group(self, title: str, member_ids: list[int]) -> SandboxChat:
        if not title.strip():
            raise ValueError("title is empty")
        for uid in member_ids:
            self.user(uid)
        chat_id = -(1_000_000_000_000 + next(self._group_ids))
        chat = SandboxChat(
            id=chat_id,
            type="supergroup",
            title=title.strip(),
            member_ids=list(dict.fromkeys(member_ids)),
            creator_id=member_ids[0] if member_ids else None,
        )
        self.chats[chat_id] = chat
        self.touch()
        return chat

    def user(self, user_id: int) -> SandboxUser:
        try:
            return self.users[user_id]
        except KeyError:
            raise LookupError(f"no user {user_id}") from None

    def chat(self, chat_id: int) -> SandboxChat:
        try:
            return self.chats[chat_id]
        except KeyError:
            raise LookupError(f"no chat {chat_id}") from None

    # -- messages -----------------------------------------------------------------------
    def store_message(
        self, chat: SandboxChat, sender: JSON, content: JSON, html: str | None = None
    ) -> StoredMessage:
        data: JSON = {
            "message_id": chat.next_message_id,
            "from": sender,
            "chat": chat.to_json(),
            "date": int(time.time()),
            **content,
        }
        chat.next_message_id += 1
        stored = StoredMessage(data=data, html=html)
        chat.messages.append(stored)
        self.touch()
        return stored

    # -- files --------------------------------------------------------------------------
    def store_file(
        self,
        data: bytes,
        kind: str,
        *,
        mime_type: str,
        file_name: str | None = None,
        duration: int = 0,
        size: tuple[int, int] | None = None,
        file_id: str | None = None,
        smaller_sizes: bool = True,
    ) -> StoredFile:
        number = next(self._file_numbers)
        ext = _EXTENSIONS.get(kind, "bin")
        if kind == "document" and file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1][:8] or ext
        if size is None:
            size = image_size(data) if kind in ("photo", "sticker") else (0, 0)
        stored = StoredFile(
            file_id=file_id or f"SBX{kind[:2].upper()}{number}_{secrets.token_urlsafe(12)}",
            file_unique_id=f"U{number}{secrets.token_hex(4)}",
            data=data,
            kind=kind,
            file_path=f"{kind}s/file_{number}.{ext}",
            mime_type=mime_type,
            file_name=file_name,
            width=size[0],
            height=size[1],
            duration=duration,
        )
        if kind == "photo" and smaller_sizes:
            stored.smaller = [
                self.store_file(data, kind, mime_type=mime_type, size=scaled, smaller_sizes=False)
                for scaled in _smaller_sizes(stored.width, stored.height)
            ]
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored


def _smaller_sizes(width: int, height: int) -> list[tuple[int, int]]:
    longest = max(width, height, 1)
    return [
        (max(1, width * side // longest), max(1, height * side // longest))
        for side in _PHOTO_SIZES
        if side < longest
    ]


_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_mime(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG, GIF or WebP picture, by its first bytes; else None."""
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG; a plausible default otherwise."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker, size = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h = int.from_bytes(data[i + 5 : i + 7], "big")
                w = int.from_bytes(data[i + 7 : i + 9], "big")
                return w, h
            i += 2 + size
    return 320, 320
