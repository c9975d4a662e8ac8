"""Callback data of ticket buttons. Each fits Telegram's 64 bytes: ids and short codes."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from views.callbacks import Id


class ReportHome(CallbackData, prefix="th"):
    h: Id  # household id


class ReportCategory(CallbackData, prefix="tcat"):
    c: str  # TicketCategory value


class ReportStep(CallbackData, prefix="ts"):
    a: str  # done (photos), home, common, normal, urgent, file, cancel


class OnBehalfChannel(CallbackData, prefix="tch"):
    h: Id  # household id
    ch: str  # phone, visit


class Claim(CallbackData, prefix="tk"):
    t: Id  # ticket id


class Act(CallbackData, prefix="ta"):
    a: str  # show, start, hold, resume, resolve, fixed, notfixed, cancel, rate, assign, media
    t: Id


class Rate(CallbackData, prefix="tr"):
    t: Id
    s: Annotated[int, Field(ge=1, le=5)]  # stars


class AssignTo(CallbackData, prefix="tw"):
    t: Id
    u: Id  # worker's user id


class HoldFor(CallbackData, prefix="td"):
    t: Id
    d: Annotated[int, Field(ge=1, le=366)]  # days from today


class Skip(CallbackData, prefix="tx"):
    what: str  # after-photo, comment
