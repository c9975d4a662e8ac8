"""Message formatting and keyboards as Telegram checks them.

HTML (parse_mode=HTML) becomes plain text plus entities with offsets in UTF-16 code units,
the way Telegram returns them. Only Telegram's tags are accepted; anything else is the same
"can't parse entities" error Telegram gives.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from sandbox.params import ApiError, bad_request

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
}
_OTHER_TAGS = {"a", "span", "blockquote", "tg-emoji"}
MAX_CALLBACK_DATA = 64


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _EntityParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0  # UTF-16 units so far
        self.stack: list[tuple[str, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def _fail(self, message: str) -> None:
        raise bad_request(f"can't parse entities: {message}")

    def _offset(self) -> int:
        return self.getpos()[1]  # Telegram counts bytes; the column is close enough

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag in _SIMPLE_TAGS:
            entity: dict[str, Any] = {"type": _SIMPLE_TAGS[tag]}
            if tag == "code" and self.stack and self.stack[-1][0] == "pre":
                language = attributes.get("class", "")
                if language.startswith("language-"):
                    self.stack[-1][1]["language"] = language[len("language-") :]
                entity = {"type": "_inner_code"}
        elif tag == "a":
            href = attributes.get("href", "")
            if href.startswith("tg://user?id="):
                entity = {"type": "text_mention", "_user_id": href.split("=", 1)[1]}
            else:
                entity = {"type": "text_link", "url": href}
        elif tag == "span":
            if attributes.get("class") != "tg-spoiler":
                self._fail(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {self._offset()}'
                )
            entity = {"type": "spoiler"}
        elif tag == "blockquote":
            kind = "expandable_blockquote" if "expandable" in attributes else "blockquote"
            entity = {"type": kind}
        elif tag == "tg-emoji":
            entity = {"type": "custom_emoji", "custom_emoji_id": attributes.get("emoji-id", "")}
        else:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._offset()}')
        entity["offset"] = self.length
        self.stack.append((tag, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._fail(f'Unsupported start tag "{tag}" at byte offset {self._offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self._fail(f"Unexpected end tag at byte offset {self._offset()}")
        open_tag, entity = self.stack.pop()
        if open_tag != tag:
            self._fail(
                f"Unmatched end tag at byte offset {self._offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
        length = self.length - entity["offset"]
        if length > 0 and entity["type"] != "_inner_code":
            entity["length"] = length
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_len(data)

    def finish(self) -> None:
        self.close()
        if self.stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Text and entities for an HTML message, or the 400 Telegram would answer."""
    parser = _EntityParser()
    parser.feed(source)
    parser.finish()
    entities = []
    for entity in sorted(parser.entities, key=lambda e: (e["offset"], -e["length"])):
        if entity["type"] == "text_mention":
            user_id = entity.pop("_user_id")
            entity["user"] = {
                "id": int(user_id) if user_id.isdigit() else 0,
                "is_bot": False,
                "first_name": "",
            }
        ordered = {"offset": entity.pop("offset"), "length": entity.pop("length"), **entity}
        entities.append({"type": ordered.pop("type"), **ordered})
    return "".join(parser.parts), entities


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity a user's "/cmd args" or "/cmd@bot args" message gets."""
    if not text.startswith("/") or len(text) < 2:
        return []
    word = text.split(maxsplit=1)[0]
    name = word[1:].split("@", 1)[0]
    if not name or not all(c.isalnum() or c == "_" for c in name):
        return []
    return [{"offset": 0, "length": utf16_len(word), "type": "bot_command"}]


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup like Telegram; return it normalized (buttons as objects)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return {"inline_keyboard": _rows(markup["inline_keyboard"], inline=True)}
    if "keyboard" in markup:
        normalized = dict(markup)
        normalized["keyboard"] = _rows(markup["keyboard"], inline=False)
        return normalized
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return dict(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _rows(rows: Any, *, inline: bool) -> list[list[dict[str, Any]]]:
    what = "inline keyboard" if inline else "keyboard"
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{what}" must be an Array of Arrays')
    return [[_button(button, inline=inline) for button in row] for row in rows]


def _button(button: Any, *, inline: bool) -> dict[str, Any]:
    if isinstance(button, str) and not inline:
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        kind = "inline keyboard button" if inline else "keyboard button"
        raise bad_request(f'can\'t parse {kind}: Field "text" must be of type String')
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID" if inline else "KEYBOARD_BUTTON_TEXT_INVALID")
    if not inline:
        return dict(button)
    actions = {
        "callback_data",
        "url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "callback_game",
        "pay",
        "login_url",
        "web_app",
        "copy_text",
        "switch_inline_query_chosen_chat",
    }
    if not actions & button.keys():
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not data or len(data.encode("utf-8")) > MAX_CALLBACK_DATA
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    return dict(button)


def inline_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup and "inline_keyboard" in markup else None


__all__ = [
    "ApiError",
    "check_reply_markup",
    "command_entities",
    "inline_markup",
    "parse_html",
    "utf16_len",
]
