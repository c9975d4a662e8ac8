"""Callback data for inline buttons. Each fits Telegram's 64 bytes; ids, never names."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class PickBuilding(CallbackData, prefix="pb"):
    mode: str  # "j" join, "r" a leader registering someone
    c: int  # courtyard id
    b: int  # index into the sorted buildings


class PickUnit(CallbackData, prefix="pu"):
    mode: str
    c: int
    b: int
    u: int  # index into the sorted units of that building


class PickRoom(CallbackData, prefix="pr"):
    mode: str
    h: int  # household id


class PickPage(CallbackData, prefix="pp"):
    mode: str
    c: int
    level: str  # "b" buildings, "u" units, "r" rooms
    b: int
    u: int
    p: int


class PickRelation(CallbackData, prefix="pl"):
    mode: str
    h: int
    rel: str


class Decide(CallbackData, prefix="md"):
    m: int  # membership id
    ok: bool


class Language(CallbackData, prefix="lang"):
    code: str


class LinkGroup(CallbackData, prefix="lk"):
    c: int
    kind: str


class PickCourtyard(CallbackData, prefix="pc"):
    mode: str
    c: int


class SkipTelegramId(CallbackData, prefix="skid"):
    pass
