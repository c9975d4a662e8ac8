"""The web chat: the page at ``/`` and its JSON API under ``/sandbox/api/``.

The page long-polls ``/sandbox/api/wait?version=N``; whenever the world changes it fetches the
chat it shows again. Everything a person can do goes through ``sandbox.people``, so the bot
sees the same updates as from a test.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from sandbox import people
from sandbox.core import Core
from sandbox.stickers import catalogue
from sandbox.world import SandboxChat, StoredMessage

JSON = dict[str, Any]
STATIC = Path(__file__).parent / "static"
_dumps = partial(json.dumps, ensure_ascii=False)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _ok(body: Any) -> web.Response:
    return web.json_response(body, dumps=_dumps)


def _guarded(handler: Handler) -> Handler:
    """Mistakes by the page or the person answer 400 with a reason, never a 500."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception as exc:  # the page shows the reason; the server stays up
            return web.json_response({"ok": False, "error": str(exc)}, status=400, dumps=_dumps)

    return wrapped


def _message_view(core: Core, stored: StoredMessage, viewer: int) -> JSON:
    data = stored.data
    sender = data.get("from", {})
    kind = "bot" if sender.get("is_bot") else "me" if sender.get("id") == viewer else "other"
    view: JSON = {
        "message_id": stored.message_id,
        "from_kind": kind,
        "date": data.get("date"),
        "from_name": " ".join(filter(None, [sender.get("first_name"), sender.get("last_name")])),
        "deleted": stored.deleted,
        "edited": stored.edited,
    }
    if stored.deleted:
        return view
    for key in ("text", "entities", "caption", "caption_entities"):
        if key in data:
            view[key] = data[key]
    if "photo" in data:
        largest = data["photo"][-1]
        view["photo_url"] = f"/sandbox/files/{largest['file_id']}"
        view["photo_size"] = [largest.get("width", 0), largest.get("height", 0)]
    if "sticker" in data:
        view["sticker"] = {"emoji": data["sticker"].get("emoji") or "🖼"}
    if "voice" in data:
        view["voice_url"] = f"/sandbox/files/{data['voice']['file_id']}"
    if "document" in data:
        document = data["document"]
        view["document"] = {
            "url": f"/sandbox/files/{document['file_id']}",
            "name": document.get("file_name") or "file",
        }
    if "new_chat_members" in data:
        view["service"] = {"joined": [m.get("first_name", "") for m in data["new_chat_members"]]}
    if data.get("reply_to_message"):
        quoted = data["reply_to_message"]
        view["reply_to"] = (quoted.get("text") or quoted.get("caption") or "")[:80]
    if markup := data.get("reply_markup"):
        view["inline_keyboard"] = [
            [
                {"text": b["text"], "callback_data": b.get("callback_data"), "url": b.get("url")}
                for b in row
            ]
            for row in markup.get("inline_keyboard", [])
        ]
    return view


def _chat_view(core: Core, chat: SandboxChat, viewer: int) -> JSON:
    pinned = chat.find(chat.pinned_message_id) if chat.pinned_message_id else None
    view: JSON = {
        "chat": {
            "id": chat.id,
            "type": chat.type,
            "title": chat.title or (chat.user.full_name if chat.user else ""),
            "bot_member": chat.bot_member or chat.type == "private",
        },
        "messages": [_message_view(core, m, viewer) for m in chat.messages],
        "pinned": _message_view(core, pinned, viewer) if pinned and not pinned.deleted else None,
        "reply_keyboard": chat.reply_keyboard,
        "action": chat.last_action,
        "version": core.world.version,
    }
    return view


def _commands(core: Core) -> list[JSON]:
    for (_bot, scope, language), commands in core.commands.items():
        if json.loads(scope).get("type") == "default" and language == "":
            return commands
    return []


def _state(core: Core) -> JSON:
    world = core.world
    return {
        "bot": {"username": core.bot_username},
        "version": world.version,
        "links": [{"title": title, "url": url} for title, url in world.links],
        "people": [
            {
                "id": u.id,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "username": u.username,
                "language_code": u.language_code,
                "name": u.full_name,
                "blocked": u.blocked_bot,
            }
            for u in world.users.values()
        ],
        "groups": [
            {"id": c.id, "title": c.title, "member_ids": c.member_ids, "bot_member": c.bot_member}
            for c in world.chats.values()
            if c.type != "private"
        ],
        "commands": _commands(core),
        "stickers": catalogue(),
    }


async def _json_body(request: web.Request) -> JSON:
    try:
        body = await request.json()
    except ValueError:
        raise ValueError("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


@dataclass
class FormUpload:
    user_id: int
    data: bytes
    file_name: str
    mime_type: str | None
    caption: str | None


async def _form_upload(request: web.Request) -> FormUpload:
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, FileField):
        raise ValueError("no file")
    data = upload.file.read()
    if not data:
        raise ValueError("the file is empty")
    caption = form.get("caption")
    return FormUpload(
        user_id=int(str(form.get("user_id"))),
        data=data,
        file_name=upload.filename or "file",
        mime_type=upload.content_type,
        caption=caption if isinstance(caption, str) and caption else None,
    )


def webchat_routes(core: Core) -> list[web.AbstractRouteDef]:
    world = core.world

    async def index(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def favicon(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "favicon.svg", headers={"Content-Type": "image/svg+xml"})

    async def health(request: web.Request) -> web.StreamResponse:
        return _ok({"ok": True})

    async def state(request: web.Request) -> web.StreamResponse:
        return _ok(_state(core))

    async def wait(request: web.Request) -> web.StreamResponse:
        since = int(request.query.get("version", "0"))
        if world.version == since:
            await world.wait_change(float(request.query.get("timeout", "25")))
        return _ok({"version": world.version})

    async def add_person(request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        user = world.add_user(
            str(body.get("first_name", "")),
            last_name=body.get("last_name") or None,
            username=body.get("username") or None,
            language_code=str(body.get("language_code") or "zh-hans"),
        )
        return _ok({"ok": True, "id": user.id, "user": user.to_json()})

    async def add_group(request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        member_ids = [int(m) for m in body.get("member_ids", [])]
        if not member_ids:
            raise ValueError("a group needs at least one member")
        chat = world.add_group(str(body.get("title", "")), member_ids)
        return _ok({"ok": True, "id": chat.id})

    async def add_bot(request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        await people.add_bot_to_group(
            core, int(request.match_info["chat_id"]), int(body["user_id"])
        )
        return _ok({"ok": True})

    async def block(request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        people.block_bot(core, int(request.match_info["user_id"]), bool(body.get("blocked")))
        return _ok({"ok": True})

    async def chat(request: web.Request) -> web.StreamResponse:
        viewer = int(request.query.get("viewer", "0"))
        return _ok(_chat_view(core, world.chat(int(request.match_info["chat_id"])), viewer))

    async def send(request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        message = await people.user_sends(
            core,
            int(body["user_id"]),
            str(body.get("text", "")),
            chat_id=int(request.match_info["chat_id"]),
        )
        return _ok({"ok": True, "message_id": message["message_id"]})

    async def photo(request: web.Request) -> web.StreamResponse:
        """📷: a picture goes as a photo, any other file as a document."""
        upload = await _form_upload(request)
        message = await people.user_sends_attachment(
            core,
            upload.user_id,
            upload.data,
            upload.file_name,
            mime_type=upload.mime_type,
            caption=upload.caption,
            chat_id=int(request.match_info["chat_id"]),
        )
        return _ok({"ok": True, "message_id": message["message_id"]})

    async def document(request: web.Request) -> web.StreamResponse:
        """📎: any file, pictures included, as a document."""
        upload = await _form_upload(request)
        message = await people.user_sends_document(
            core,
            upload.user_id,
            upload.data,
            upload.file_name,
            mime_type=upload.mime_type,
            caption=upload.caption,
            chat_id=int(request.match_info["chat_id"]),
        )
        return _ok({"ok": True, "message_id": message["message_id"]})

    async def sticker(request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        message = await people.user_sends_sticker(
            core,
            int(body["user_id"]),
            str(body.get("sticker", "")),
            chat_id=int(request.match_info["chat_id"]),
        )
        return _ok({"ok": True, "message_id": message["message_id"]})

    async def voice(request: web.Request) -> web.StreamResponse:
        upload = await _form_upload(request)
        message = await people.user_sends_voice(
            core,
            upload.user_id,
            upload.data,
            chat_id=int(request.match_info["chat_id"]),
            mime_type=upload.mime_type or "audio/ogg",
        )
        return _ok({"ok": True, "message_id": message["message_id"]})

    async def tap(request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        chat_id = int(request.match_info["chat_id"])
        query_id = await people.user_taps(
            core, int(body["user_id"]), int(body["message_id"]), str(body["data"]), chat_id=chat_id
        )
        # wait briefly for the bot's answer so the page can show its toast or alert
        for _ in range(30):
            if core.callbacks[query_id].answer is not None:
                break
            await world.wait_change(0.1)
        return _ok(
            {"ok": True, "callback_query_id": query_id, "answer": core.callbacks[query_id].answer}
        )

    async def file(request: web.Request) -> web.StreamResponse:
        stored = world.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.data, content_type=stored.mime_type)

    api = "/sandbox/api"
    return [
        web.get("/", index),
        web.get("/favicon.ico", favicon),
        web.static("/sandbox/static", STATIC),
        web.get(f"{api}/health", health),
        web.get(f"{api}/state", _guarded(state)),
        web.get(f"{api}/wait", _guarded(wait)),
        web.post(f"{api}/people", _guarded(add_person)),
        web.post(f"{api}/people/{{user_id}}/block", _guarded(block)),
        web.post(f"{api}/groups", _guarded(add_group)),
        web.post(f"{api}/groups/{{chat_id}}/bot", _guarded(add_bot)),
        web.get(f"{api}/chats/{{chat_id}}", _guarded(chat)),
        web.post(f"{api}/chats/{{chat_id}}/send", _guarded(send)),
        web.post(f"{api}/chats/{{chat_id}}/photo", _guarded(photo)),
        web.post(f"{api}/chats/{{chat_id}}/document", _guarded(document)),
        web.post(f"{api}/chats/{{chat_id}}/sticker", _guarded(sticker)),
        web.post(f"{api}/chats/{{chat_id}}/voice", _guarded(voice)),
        web.post(f"{api}/chats/{{chat_id}}/tap", _guarded(tap)),
        web.get("/sandbox/files/{file_id}", file),
    ]
