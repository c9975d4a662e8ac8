"""Callback data for inline buttons. Each fits Telegram's 64 bytes; ids, never names."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


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
