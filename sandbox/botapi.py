"""The Bot API over HTTP: ``/bot{token}/{method}`` and ``/file/bot{token}/{path}``.

Answers are shaped as Telegram's: ``{"ok": true, "result": ...}`` or an error object. No input
makes a 500: anything unexpected becomes a 400 with its reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiohttp import web

from sandbox import chats, messaging
from sandbox.core import Call, Core
from sandbox.params import ApiError, Params, bad_request, read_params

log = logging.getLogger(__name__)
Handler = Callable[[Call], Awaitable[Any]]
_dumps = partial(json.dumps, ensure_ascii=False)


async def _get_me(call: Call) -> dict[str, Any]:
    return {
        **call.bot,
        "can_join_groups": True,
        "can_read_all_group_messages": True,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def _get_updates(call: Call) -> list[dict[str, Any]]:
    return await call.core.hub.get_updates(call.account, call.params)


async def _set_webhook(call: Call) -> bool:
    url = call.params.get_str("url") or ""
    if not url:
        call.core.hub.delete_webhook(call.account, call.params.get_bool("drop_pending_updates"))
        return True
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    call.core.hub.set_webhook(call.account, url, call.params)
    return True


async def _delete_webhook(call: Call) -> bool:
    call.core.hub.delete_webhook(call.account, call.params.get_bool("drop_pending_updates"))
    return True


async def _get_webhook_info(call: Call) -> dict[str, Any]:
    return call.core.hub.webhook_info(call.account)


async def _accept(call: Call) -> bool:
    return True


def _media(method: str) -> Handler:
    return lambda call: messaging.send_media(call, method)


METHODS: dict[str, Handler] = {
    "getme": _get_me,
    "getupdates": _get_updates,
    "setwebhook": _set_webhook,
    "deletewebhook": _delete_webhook,
    "getwebhookinfo": _get_webhook_info,
    "sendmessage": messaging.send_message,
    "sendphoto": _media("sendPhoto"),
    "sendvoice": _media("sendVoice"),
    "senddocument": _media("sendDocument"),
    "sendsticker": _media("sendSticker"),
    "editmessagetext": messaging.edit_message_text,
    "editmessagecaption": messaging.edit_message_caption,
    "editmessagereplymarkup": messaging.edit_message_reply_markup,
    "deletemessage": messaging.delete_message,
    "deletemessages": messaging.delete_messages,
    "answercallbackquery": messaging.answer_callback_query,
    "getfile": messaging.get_file,
    "sendchataction": messaging.send_chat_action,
    "getchat": chats.get_chat,
    "getchatmember": chats.get_chat_member,
    "getchatadministrators": chats.get_chat_administrators,
    "getchatmembercount": chats.get_chat_member_count,
    "leavechat": chats.leave_chat,
    "pinchatmessage": chats.pin_chat_message,
    "unpinchatmessage": chats.unpin_chat_message,
    "unpinallchatmessages": chats.unpin_chat_message,
    "setmycommands": chats.set_my_commands,
    "getmycommands": chats.get_my_commands,
    "deletemycommands": chats.delete_my_commands,
    "setmydescription": chats.set_my_description,
    "getmydescription": chats.get_my_description,
    "setmyshortdescription": chats.set_my_short_description,
    "getmyshortdescription": chats.get_my_short_description,
    "setmyname": chats.set_my_name,
    "getmyname": chats.get_my_name,
    "setchatmenubutton": _accept,
    "close": _accept,
    "logout": _accept,
}


def _answer(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


async def call_method(core: Core, token: str, method: str, params: Params) -> Any:
    """Run one method as the bot with this token; raises ApiError like Telegram answers."""
    account = core.account_for(token)
    handler = METHODS.get(method.lower())
    if handler is None:
        raise ApiError(404, "Not Found")
    core.stats.requests[_CANONICAL.get(method.lower(), method)] += 1
    return await handler(Call(core, account, params))


_CANONICAL = {
    name.lower(): name
    for name in [
        "getMe",
        "getUpdates",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "sendMessage",
        "sendPhoto",
        "sendVoice",
        "sendDocument",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "deleteMessages",
        "answerCallbackQuery",
        "getFile",
        "sendChatAction",
        "getChat",
        "getChatMember",
        "getChatAdministrators",
        "getChatMemberCount",
        "leaveChat",
        "pinChatMessage",
        "unpinChatMessage",
        "unpinAllChatMessages",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "setMyDescription",
        "getMyDescription",
        "setMyShortDescription",
        "getMyShortDescription",
        "setMyName",
        "getMyName",
        "setChatMenuButton",
        "close",
        "logOut",
    ]
}


def routes(core: Core) -> list[web.RouteDef]:
    async def api(request: web.Request) -> web.Response:
        try:
            params = await read_params(request)
            result = await call_method(
                core, request.match_info["token"], request.match_info["method"], params
            )
            return _answer({"ok": True, "result": result})
        except ApiError as error:
            return _answer(error.to_json(), error.code)
        except (LookupError, ValueError, TypeError, AttributeError) as exc:
            # a parameter of a shape we did not expect: say so rather than fail
            log.info("bad request to %s: %r", request.match_info["method"], exc)
            return _answer(bad_request(f"invalid parameters: {exc}").to_json(), 400)
        except web.HTTPException:
            raise  # e.g. 413 for a body over the upload limit, as Telegram answers
        except Exception as exc:  # a sandbox bug must still not look like a Telegram outage
            log.exception("unexpected error in %s", request.match_info["method"])
            return _answer(bad_request(f"sandbox could not handle this: {exc!r}").to_json(), 400)

    async def download(request: web.Request) -> web.StreamResponse:
        try:
            core.account_for(request.match_info["token"])
        except ApiError as error:
            return _answer(error.to_json(), error.code)
        stored = core.world.files_by_path.get(request.match_info["path"])
        if stored is None:
            return _answer(ApiError(404, "Not Found").to_json(), 404)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    return [
        web.route("*", "/bot{token}/{method}", api),
        web.get("/file/bot{token}/{path:.+}", download),
    ]
