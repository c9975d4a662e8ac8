"""Bot API methods that send, edit and delete messages, and the files they carry."""

from __future__ import annotations

import time
from typing import Any

from sandbox.core import Call
from sandbox.markup import check_reply_markup, inline_markup, parse_html
from sandbox.params import ApiError, bad_request
from sandbox.world import SandboxChat, StoredFile, StoredMessage

JSON = dict[str, Any]
MAX_TEXT = 4096
MAX_CAPTION = 1024
_MEDIA = {  # method -> (field, kind, default mime type)
    "sendphoto": ("photo", "photo", "image/jpeg"),
    "sendvoice": ("voice", "voice", "audio/ogg"),
    "senddocument": ("document", "document", "application/octet-stream"),
    "sendsticker": ("sticker", "sticker", "image/webp"),
}


def target_chat(call: Call, *, sending: bool) -> SandboxChat:
    """The chat named by chat_id, with the 400/403 answers Telegram gives."""
    chat = call.core.world.chats.get(call.params.chat_id())
    if chat is None:
        raise bad_request("chat not found")
    if chat.type != "private" and not chat.bot_member:
        call.core.stats.forbidden += 1
        raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
    if sending and chat.user is not None and chat.user.blocked_bot:
        call.core.stats.forbidden += 1
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    return chat


def formatted(call: Call, field: str, *, caption: bool) -> tuple[str, list[JSON], str | None]:
    """Text (or caption) and entities after parse_mode, checked for Telegram's limits."""
    raw = call.params.get_str(field) or ""
    mode = (call.params.get_str("parse_mode") or "").lower()
    html: str | None = None
    if mode == "html":
        html = raw
        text, entities = parse_html(raw)
    else:  # Markdown modes are kept as typed: the sandbox does not parse them
        text = raw
        given = call.params.get_json(f"{field}_entities" if caption else "entities", "entities")
        entities = given if isinstance(given, list) else []
    if caption:
        if len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    else:
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
    return text, entities, html


def _markup(call: Call) -> JSON | None:
    return check_reply_markup(call.params.get_json("reply_markup", "reply keyboard markup"))


def _reply_to(call: Call, chat: SandboxChat) -> JSON | None:
    reply_id = call.params.get_int("reply_to_message_id")
    allow = call.params.get_bool("allow_sending_without_reply")
    parameters = call.params.get_json("reply_parameters", "reply parameters")
    if isinstance(parameters, dict) and parameters.get("message_id"):
        reply_id = int(parameters["message_id"])
        allow = bool(parameters.get("allow_sending_without_reply", allow))
    if not reply_id:
        return None
    original = chat.find(reply_id)
    if original is None or original.deleted:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return {k: v for k, v in original.data.items() if k != "reply_to_message"}


def _deliver(
    call: Call, chat: SandboxChat, content: JSON, markup: JSON | None, html: str | None, method: str
) -> JSON:
    core = call.core
    retry_after = core.flood.try_send(call.bot_id, chat.id, chat.type == "private")
    if retry_after is not None:
        core.stats.too_many_requests += 1
        raise ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )
    if markup and "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup and markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    if inline_markup(markup):
        content["reply_markup"] = markup
    stored = core.world.store_message(chat, call.bot, content, html=html)
    core.stats.sends.append((core.clock(), chat.id, method))
    return dict(stored.data)


async def send_message(call: Call) -> JSON:
    chat = target_chat(call, sending=True)
    text, entities, html = formatted(call, "text", caption=False)
    markup = _markup(call)
    content: JSON = {"text": text}
    if entities:
        content["entities"] = entities
    if reply := _reply_to(call, chat):
        content["reply_to_message"] = reply
    return _deliver(call, chat, content, markup, html, "sendMessage")


def _media_file(call: Call, field: str, kind: str, mime: str) -> StoredFile:
    world = call.core.world
    files = call.params.files
    value = call.params.get_str(field)
    upload = files.get(field)
    if upload is None and value and value.startswith("attach://"):
        upload = files.get(value[len("attach://") :])
    if upload is not None:
        if not upload.data:
            raise bad_request("file must be non-empty")
        name = upload.filename if kind == "document" else None
        stored = world.store_file(
            upload.data,
            kind,
            mime_type=upload.content_type or mime,
            file_name=name,
            duration=call.params.get_int("duration", 0) or 0,
        )
        if kind == "sticker":
            stored.emoji = call.params.get_str("emoji")
        return stored
    if not value:
        raise bad_request(f"there is no {field} in the request")
    known = world.files.get(value)
    if known is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if known.kind == kind:
        return known
    return world.store_file(
        known.data,
        kind,
        mime_type=known.mime_type,
        file_name=known.file_name,
        duration=known.duration,
    )


async def send_media(call: Call, method: str) -> JSON:
    field, kind, mime = _MEDIA[method.lower()]
    chat = target_chat(call, sending=True)
    caption, entities, html = formatted(call, "caption", caption=True)
    markup = _markup(call)
    stored = _media_file(call, field, kind, mime)
    content: JSON = {field: stored.media_json()}
    if caption:
        content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
    if reply := _reply_to(call, chat):
        content["reply_to_message"] = reply
    return _deliver(call, chat, content, markup, html, method)


def _own_message(call: Call, chat: SandboxChat, what: str) -> StoredMessage:
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    message_id = call.params.required_int("message_id", f"message to {what} not found")
    stored = chat.find(message_id)
    if stored is None or stored.deleted:
        raise bad_request(f"message to {what} not found")
    if what == "edit" and stored.data.get("from", {}).get("id") != call.bot_id:
        raise bad_request("message can't be edited")
    return stored


def _apply_edit(
    call: Call, stored: StoredMessage, changes: JSON, markup: JSON | None, html: str | None
) -> JSON:
    data = stored.data
    before = {k: data.get(k) for k in (*changes, "reply_markup")}
    after = {**{k: v or None for k, v in changes.items()}, "reply_markup": markup}
    if before == after:
        raise bad_request(
            "message is not modified: specified new message content and reply "
            "markup are exactly the same as a current content and reply markup "
            "of the message"
        )
    for key, value in after.items():
        if value:
            data[key] = value
        else:
            data.pop(key, None)
    data["edit_date"] = int(time.time())
    stored.edited = True
    if html is not None or "text" in changes:
        stored.html = html
    call.core.world.touch()
    call.core.stats.edits.append((call.core.clock(), int(data["chat"]["id"]), "edit"))
    return dict(data)


def _edit_markup(call: Call) -> JSON | None:
    markup = _markup(call)
    if markup is not None and inline_markup(markup) is None:
        raise bad_request("inline keyboard expected")
    return markup


async def edit_message_text(call: Call) -> JSON:
    chat = target_chat(call, sending=False)
    stored = _own_message(call, chat, "edit")
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    text, entities, html = formatted(call, "text", caption=False)
    markup = _edit_markup(call)
    return _apply_edit(call, stored, {"text": text, "entities": entities}, markup, html)


async def edit_message_caption(call: Call) -> JSON:
    chat = target_chat(call, sending=False)
    stored = _own_message(call, chat, "edit")
    if "text" in stored.data:
        raise bad_request("there is no caption in the message to edit")
    caption, entities, html = formatted(call, "caption", caption=True)
    markup = _edit_markup(call)
    changes = {"caption": caption, "caption_entities": entities}
    return _apply_edit(call, stored, changes, markup, html)


async def edit_message_reply_markup(call: Call) -> JSON:
    chat = target_chat(call, sending=False)
    stored = _own_message(call, chat, "edit")
    return _apply_edit(call, stored, {}, _edit_markup(call), None)


async def delete_message(call: Call) -> bool:
    chat = target_chat(call, sending=False)
    stored = _own_message(call, chat, "delete")
    stored.deleted = True
    if chat.pinned_message_id == stored.message_id:
        chat.pinned_message_id = None
    call.core.world.touch()
    return True


async def delete_messages(call: Call) -> bool:
    chat = target_chat(call, sending=False)
    ids = call.params.get_json("message_ids", "message identifiers")
    if not isinstance(ids, list) or not ids:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        stored = chat.find(int(message_id))
        if stored is not None:
            stored.deleted = True
    call.core.world.touch()
    return True


async def get_file(call: Call) -> JSON:
    file_id = call.params.get_str("file_id")
    if not file_id:
        raise bad_request("file_id is empty")
    stored = call.core.world.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > 20 * 1024 * 1024:
        raise bad_request("file is too big")
    return stored.file_json()


async def send_chat_action(call: Call) -> bool:
    chat = target_chat(call, sending=True)
    action = call.params.get_str("action")
    if not action:
        raise bad_request("action is empty")
    chat.last_action = (action, time.time())
    call.core.world.touch()
    return True


async def answer_callback_query(call: Call) -> bool:
    query_id = call.params.get_str("callback_query_id") or ""
    pending = call.core.callbacks.get(query_id)
    if pending is None or pending.answer is not None or pending.bot_id != call.bot_id:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    answer = {
        "callback_query_id": query_id,
        "text": call.params.get_str("text"),
        "show_alert": call.params.get_bool("show_alert"),
        "url": call.params.get_str("url"),
    }
    pending.answer = answer
    call.core.answered_callbacks.append(answer)
    call.core.world.touch()
    return True
