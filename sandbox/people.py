"""What people do in the sandbox: send messages, tap buttons, add or block the bot.

Each action stores the message where the person sent it and emits the update a bot would
get from Telegram.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
import time
from collections.abc import Callable
from typing import Any

from sandbox.chats import bot_membership_changed
from sandbox.core import Core, PendingCallback
from sandbox.markup import command_entities
from sandbox.stickers import sticker_json, sticker_named
from sandbox.world import SandboxChat, SandboxUser, StoredMessage, image_mime

JSON = dict[str, Any]


def _chat_of(core: Core, user: SandboxUser, chat_id: int | None) -> SandboxChat:
    chat = core.world.chat(user.id if chat_id is None else chat_id)
    if chat.type == "private" and chat.id != user.id:
        raise PermissionError(f"{user.full_name} cannot write in someone else's private chat")
    if chat.type != "private" and user.id not in chat.member_ids:
        raise PermissionError(f"{user.full_name} is not a member of {chat.title}")
    return chat


def _post(core: Core, user_id: int, chat_id: int | None, content: JSON) -> JSON:
    user = core.world.user(user_id)
    chat = _chat_of(core, user, chat_id)
    if chat.type == "private" and user.blocked_bot:
        block_bot(core, user_id, False)  # writing to a blocked bot restarts it, as in the apps
    stored = core.world.store_message(chat, user.to_json(), content)
    if chat.type == "private" or chat.bot_member:
        snapshot = copy.deepcopy(stored.data)
        core.hub.emit("message", lambda bot: snapshot)
    return stored.public()


async def user_sends(core: Core, user_id: int, text: str, *, chat_id: int | None = None) -> JSON:
    if not text.strip():
        raise ValueError("a message needs some text")
    content: JSON = {"text": text}
    if entities := command_entities(text):
        content["entities"] = entities
    chat = core.world.chat(user_id if chat_id is None else chat_id)
    keyboard = chat.reply_keyboard
    message = _post(core, user_id, chat_id, content)
    if keyboard and keyboard.get("one_time_keyboard") and text in reply_button_texts(keyboard):
        chat.reply_keyboard = None
        core.world.touch()
    return message


async def user_sends_photo(
    core: Core, user_id: int, data: bytes, *, caption: str | None = None, chat_id: int | None = None
) -> JSON:
    mime = image_mime(data) or "image/jpeg"
    stored = core.world.store_file(data, "photo", mime_type=mime)
    content: JSON = {"photo": stored.media_json()}
    if caption:
        content["caption"] = caption
    return _post(core, user_id, chat_id, content)


async def user_sends_document(
    core: Core,
    user_id: int,
    data: bytes,
    file_name: str,
    *,
    mime_type: str | None = None,
    caption: str | None = None,
    chat_id: int | None = None,
) -> JSON:
    """A file sent as a file (Telegram's "send as document"), whatever is in it."""
    name = file_name.strip().replace("/", "_").replace("\\", "_")[:255] or "file"
    stored = core.world.store_file(
        data, "document", mime_type=mime_type or "application/octet-stream", file_name=name
    )
    content: JSON = {"document": stored.media_json()}
    if caption:
        content["caption"] = caption
    return _post(core, user_id, chat_id, content)


async def user_sends_attachment(
    core: Core,
    user_id: int,
    data: bytes,
    file_name: str,
    *,
    mime_type: str | None = None,
    caption: str | None = None,
    chat_id: int | None = None,
) -> JSON:
    """What the 📷 button sends: a picture as a photo (with its sizes), anything else (a .txt,
    a PDF, a file merely named .jpg) as a document, as the Telegram apps do."""
    if image_mime(data) is not None:
        return await user_sends_photo(core, user_id, data, caption=caption, chat_id=chat_id)
    return await user_sends_document(
        core, user_id, data, file_name, mime_type=mime_type, caption=caption, chat_id=chat_id
    )


async def user_sends_sticker(
    core: Core, user_id: int, name: str, *, chat_id: int | None = None
) -> JSON:
    """A sticker from the sandbox's own set (``sandbox.stickers``)."""
    sticker = sticker_named(name)
    return _post(core, user_id, chat_id, {"sticker": sticker_json(core.world, sticker)})


async def user_sends_voice(
    core: Core,
    user_id: int,
    data: bytes,
    *,
    duration: int = 3,
    chat_id: int | None = None,
    mime_type: str = "audio/ogg",
) -> JSON:
    stored = core.world.store_file(data, "voice", mime_type=mime_type, duration=duration)
    return _post(core, user_id, chat_id, {"voice": stored.media_json()})


def _has_callback(message: StoredMessage, data: str) -> bool:
    markup = message.data.get("reply_markup") or {}
    return any(
        button.get("callback_data") == data
        for row in markup.get("inline_keyboard", [])
        for button in row
    )


async def user_taps(
    core: Core, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
) -> str:
    user = core.world.user(user_id)
    chat = _chat_of(core, user, chat_id)
    message = chat.find(message_id)
    if message is None or message.deleted or not _has_callback(message, callback_data):
        raise LookupError(
            f"message {message_id} in chat {chat.id} has no button "
            f"with callback_data {callback_data!r}"
        )
    bot_id = int(message.data["from"]["id"])
    query_id = str(secrets.randbits(62))
    core.callbacks[query_id] = PendingCallback(query_id, bot_id, chat.id, message_id, user_id)
    payload = {
        "id": query_id,
        "from": user.to_json(),
        "message": copy.deepcopy(message.data),
        "chat_instance": str(abs(chat.id) * 7919 % 10**18),
        "data": callback_data,
    }
    core.hub.emit("callback_query", lambda bot: payload, for_bot=bot_id)
    return query_id


def reply_button_texts(keyboard: JSON) -> list[str]:
    return [button["text"] for row in keyboard.get("keyboard", []) for button in row]


async def user_taps_text(
    core: Core, user_id: int, button_text: str, *, chat_id: int | None = None
) -> JSON:
    """Tap a button by its text: an inline one on the newest bot message that has it, else a
    reply-keyboard one. Inline: ``{"callback_query_id", "message_id", "data"}``; reply keyboard:
    the message the tap sent."""
    user = core.world.user(user_id)
    chat = _chat_of(core, user, chat_id)
    for message in reversed(chat.messages):
        if message.deleted or not message.from_bot:
            continue
        markup = message.data.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if button.get("text") == button_text and "callback_data" in button:
                    data = button["callback_data"]
                    query_id = await user_taps(
                        core, user_id, message.message_id, data, chat_id=chat.id
                    )
                    return {
                        "callback_query_id": query_id,
                        "message_id": message.message_id,
                        "data": data,
                    }
    if chat.reply_keyboard and button_text in reply_button_texts(chat.reply_keyboard):
        return await user_sends(core, user_id, button_text, chat_id=chat.id)
    raise LookupError(f"no button {button_text!r} in chat {chat.id}")


async def add_bot_to_group(core: Core, chat_id: int, by_user_id: int) -> None:
    user = core.world.user(by_user_id)
    chat = _chat_of(core, user, chat_id)
    if chat.type == "private":
        raise ValueError("the bot can only be added to a group")
    if chat.bot_member:
        return
    if by_user_id != chat.creator_id:
        chat.admin_ids.add(by_user_id)
    bot_membership_changed(core, chat, user.to_json(), "left", "member")
    shown_bot = core.bot_user(core.default_bot_id() or 1)
    stored = core.world.store_message(
        chat,
        user.to_json(),
        {
            "new_chat_members": [shown_bot],
            "new_chat_member": shown_bot,
            "new_chat_participant": shown_bot,
        },
    )
    snapshot = copy.deepcopy(stored.data)

    def build(bot: JSON) -> JSON:
        return {
            **snapshot,
            "new_chat_members": [bot],
            "new_chat_member": bot,
            "new_chat_participant": bot,
        }

    core.hub.emit("message", build)


def block_bot(core: Core, user_id: int, blocked: bool = True) -> None:
    user = core.world.user(user_id)
    if user.blocked_bot == blocked:
        return
    user.blocked_bot = blocked
    old, new = ("member", "kicked") if blocked else ("kicked", "member")
    bot_membership_changed(core, core.world.chat(user_id), user.to_json(), old, new)


def last_bot_message(core: Core, chat_id: int) -> JSON | None:
    for message in reversed(core.world.chat(chat_id).messages):
        if message.from_bot and not message.deleted:
            return message.public()
    return None


async def wait_for_bot_message(
    core: Core,
    chat_id: int,
    *,
    after_message_id: int = 0,
    timeout: float = 5.0,  # noqa: ASYNC109 - the public interface
    predicate: Callable[[JSON], bool] | None = None,
) -> JSON:
    deadline = time.monotonic() + timeout
    while True:
        for message in core.world.chat(chat_id).messages[after_message_id:]:
            if message.from_bot and not message.deleted:
                public = message.public()
                if predicate is None or predicate(public):
                    return public
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(
                f"no bot message in chat {chat_id} after {after_message_id} within {timeout} s"
            )
        await core.world.wait_change(min(remaining, 0.5))
        await asyncio.sleep(0)
