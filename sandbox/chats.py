"""Bot API methods about chats, members, pins and the bot's own settings."""

from __future__ import annotations

import json
import time
from typing import Any

from sandbox.core import Call, Core
from sandbox.messaging import target_chat
from sandbox.params import bad_request
from sandbox.world import SandboxChat

JSON = dict[str, Any]
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
    "can_pin_messages",
)


def member_json(status: str, user: JSON) -> JSON:
    """A ChatMember object of the given status."""
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **dict.fromkeys(_ADMIN_RIGHTS, True),
        }
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    return {"status": status, "user": user}


def status_in(chat: SandboxChat, user_id: int) -> str:
    if chat.type == "private":
        return "member" if user_id == chat.id else "left"
    if user_id == chat.creator_id and user_id in chat.member_ids:
        return "creator"
    if user_id in chat.admin_ids and user_id in chat.member_ids:
        return "administrator"
    return "member" if user_id in chat.member_ids else "left"


def bot_membership_changed(
    core: Core,
    chat: SandboxChat,
    by: JSON | None,
    old: str,
    new: str,
    *,
    only_bot: int | None = None,
) -> None:
    """The bot's status in a chat changed: a my_chat_member update (``by`` None: the bot)."""
    if chat.type != "private":
        chat.bot_member = new in ("member", "administrator")
    date = int(time.time())
    chat_json = chat.to_json()

    def build(bot: JSON) -> JSON:
        return {
            "chat": chat_json,
            "from": by or bot,
            "date": date,
            "old_chat_member": member_json(old, bot),
            "new_chat_member": member_json(new, bot),
        }

    core.hub.emit("my_chat_member", build, for_bot=only_bot)
    core.world.touch()


def _chat(call: Call) -> SandboxChat:
    chat = call.core.world.chats.get(call.params.chat_id())
    if chat is None:
        raise bad_request("chat not found")
    return chat


async def get_chat(call: Call) -> JSON:
    chat = _chat(call)
    info: JSON = {
        **chat.to_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
    if chat.pinned_message_id and (pinned := chat.find(chat.pinned_message_id)):
        info["pinned_message"] = dict(pinned.data)
    return info


async def get_chat_member(call: Call) -> JSON:
    chat = _chat(call)
    user_id = call.params.required_int("user_id", "user not found")
    if user_id in call.core.hub.accounts:
        bot = call.core.hub.accounts[user_id].user
        present = chat.type == "private" or chat.bot_member
        return member_json("member" if present else "left", bot)
    user = call.core.world.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    status = status_in(chat, user_id)
    if chat.type == "private" and user.blocked_bot:
        status = "kicked"
    return member_json(status, user.to_json())


async def get_chat_administrators(call: Call) -> list[JSON]:
    chat = _chat(call)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    result = []
    for user_id in chat.member_ids:
        status = status_in(chat, user_id)
        if status in ("creator", "administrator"):
            result.append(member_json(status, call.core.world.user(user_id).to_json()))
    return result


async def get_chat_member_count(call: Call) -> int:
    chat = _chat(call)
    if chat.type == "private":
        return 2
    return len(chat.member_ids) + (1 if chat.bot_member else 0)


async def leave_chat(call: Call) -> bool:
    chat = target_chat(call, sending=False)
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    bot_membership_changed(call.core, chat, None, "member", "left", only_bot=call.bot_id)
    return True


async def pin_chat_message(call: Call) -> bool:
    chat = target_chat(call, sending=False)
    message_id = call.params.required_int("message_id", "message to pin not found")
    stored = chat.find(message_id)
    if stored is None or stored.deleted:
        raise bad_request("message to pin not found")
    chat.pinned_message_id = message_id
    call.core.world.touch()
    return True


async def unpin_chat_message(call: Call) -> bool:
    chat = target_chat(call, sending=False)
    message_id = call.params.get_int("message_id")
    if message_id is None or message_id == chat.pinned_message_id:
        chat.pinned_message_id = None
        call.core.world.touch()
    return True


def _settings_key(call: Call) -> tuple[int, str, str]:
    scope = call.params.get_json("scope", "bot command scope") or {"type": "default"}
    return (
        call.bot_id,
        json.dumps(scope, sort_keys=True),
        call.params.get_str("language_code") or "",
    )


async def set_my_commands(call: Call) -> bool:
    commands = call.params.get_json("commands", "bot commands")
    if not isinstance(commands, list):
        raise bad_request('parameter "commands" is required')
    for command in commands:
        if (
            not isinstance(command, dict)
            or not command.get("command")
            or not command.get("description")
        ):
            raise bad_request("BOT_COMMAND_INVALID")
    call.core.commands[_settings_key(call)] = [
        {"command": str(c["command"]), "description": str(c["description"])} for c in commands
    ]
    call.core.world.touch()
    return True


async def get_my_commands(call: Call) -> list[JSON]:
    return call.core.commands.get(_settings_key(call), [])


async def delete_my_commands(call: Call) -> bool:
    call.core.commands.pop(_settings_key(call), None)
    return True


def _text_setting(name: str, limit: int) -> Any:
    async def set_value(call: Call) -> bool:
        value = call.params.get_str(name) or ""
        if len(value) > limit:
            raise bad_request(f"{name} is too long")
        key = (call.bot_id, name, call.params.get_str("language_code") or "")
        call.core.descriptions[key] = value
        return True

    async def get_value(call: Call) -> JSON:
        key = (call.bot_id, name, call.params.get_str("language_code") or "")
        return {name: call.core.descriptions.get(key, "")}

    return set_value, get_value


set_my_description, get_my_description = _text_setting("description", 512)
set_my_short_description, get_my_short_description = _text_setting("short_description", 120)
set_my_name, get_my_name = _text_setting("name", 64)
