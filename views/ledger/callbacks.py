"""Callback data of ledger buttons (each within Telegram's 64 bytes: ids and short codes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Id, Index


class BookStep(CallbackData, prefix="lb"):
    a: str  # cy (courtyard), kind, cat, today, skip, done, ok, cancel
    v: str = ""


class Decide(CallbackData, prefix="la"):
    c: Id  # courtyard
    s: Id  # entry seq
    ok: bool


class Book(CallbackData, prefix="lo"):
    """A courtyard's book for staff: overview, verify, export a month, publish a month."""

    c: Id
    a: str  # show, verify, export, publish, book
    m: str = ""  # month YYYY-MM (export, publish)
    ok: bool = False  # publish: confirmed


class Months(CallbackData, prefix="lm"):
    c: Id  # courtyard (residents of several)


class Month(CallbackData, prefix="lv"):
    d: Id  # disclosure
    p: Index = 0  # page of lines
    files: bool = True  # send the picture and files (False: just another page)


class Ask(CallbackData, prefix="lq"):
    d: Id  # disclosure
    s: Id  # entry seq


class Answer(CallbackData, prefix="lr"):
    q: Id  # question


class Proof(CallbackData, prefix="le"):
    """📎: the photos and files of an entry's invoice."""

    c: Id  # courtyard
    s: Id  # entry seq
