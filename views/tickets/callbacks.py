"""Callback data of ticket buttons. Each fits Telegram's 64 bytes: ids and short codes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ReportHome(CallbackData, prefix="th"):
    h: int  # household id


class ReportCategory(CallbackData, prefix="tcat"):
    c: str  # TicketCategory value


class ReportStep(CallbackData, prefix="ts"):
    a: str  # done (photos), home, common, normal, urgent, file, cancel


class OnBehalfChannel(CallbackData, prefix="tch"):
    h: int  # household id
    ch: str  # phone, visit


class Claim(CallbackData, prefix="tk"):
    t: int  # ticket id


class Act(CallbackData, prefix="ta"):
    a: str  # show, start, hold, resume, resolve, fixed, notfixed, cancel, rate, assign, media
    t: int


class Rate(CallbackData, prefix="tr"):
    t: int
    s: int  # stars 1..5


class AssignTo(CallbackData, prefix="tw"):
    t: int
    u: int  # worker's user id


class HoldFor(CallbackData, prefix="td"):
    t: int
    d: int  # days from today


class Skip(CallbackData, prefix="tx"):
    what: str  # after-photo, comment
