"""Callback data for inline buttons. Each fits Telegram's 64 bytes; ids, never names.

Every number in callback data is one of the constrained types below: a tap whose data carries a
number the store's columns cannot hold (forged, e.g. `tk:99999999999999999999`) matches no
button, never reaches the store, and is answered as an expired button."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# the store's id columns are INTEGER: 32 bits on PostgreSQL
MAX_ROW_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]  # a row's id
Index = Annotated[int, Field(ge=0, le=MAX_ROW_ID)]  # a position: an index into a list, a page


class Decide(CallbackData, prefix="md"):
    m: Id  # membership id
    ok: bool


class Language(CallbackData, prefix="lang"):
    code: str


class LinkGroup(CallbackData, prefix="lk"):
    c: Id
    kind: str


class PickCourtyard(CallbackData, prefix="pc"):
    mode: str
    c: Index  # courtyard id; 0: all courtyards
