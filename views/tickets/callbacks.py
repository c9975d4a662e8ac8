"""Callback data of ticket buttons. Each fits Telegram's 64 bytes: ids and short codes."""

from __future__ import annotations

import enum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from services.tickets.transitions import TicketAction
from views.callbacks import Id, Index


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


class Look(enum.StrEnum):
    SHOW = "show"  # the ticket's details
    MEDIA = "media"  # its photos and voice notes
    KEEP = "keep"  # "no, keep it" to a question before a change


class Act(CallbackData, prefix="ta"):
    """A button that changes nothing."""

    a: Look
    t: Id


class Step(CallbackData, prefix="tg"):
    """A button for a transition of the ticket's state machine, shown for one version of the
    ticket: the service refuses it if the ticket has moved on since."""

    a: TicketAction
    t: Id
    v: Index  # the ticket's version
    ok: bool  # confirmed (cancelling and reopening ask first)


class Rate(CallbackData, prefix="tr"):
    t: Id
    v: Index  # the ticket's version
    s: Annotated[int, Field(ge=1, le=5)]  # stars


class ListKind(enum.StrEnum):
    REQUESTS = "r"  # 📋 My requests
    MINE = "m"  # 🔧 My tickets
    OPEN = "o"  # a courtyard's open tickets


class ListPage(CallbackData, prefix="tp"):
    k: ListKind
    c: Index  # courtyard id (open tickets), else 0
    p: Index  # page, from 0


class AssignTo(CallbackData, prefix="tw"):
    t: Id
    u: Id  # worker's user id


class HoldFor(CallbackData, prefix="td"):
    t: Id
    d: Annotated[int, Field(ge=1, le=366)]  # days from today


class Skip(CallbackData, prefix="tx"):
    what: str  # after-photo, comment
