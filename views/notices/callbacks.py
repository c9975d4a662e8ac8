"""Callback data of notice buttons. Each fits Telegram's 64 bytes: ids and short codes."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Id, Index


class Ack(CallbackData, prefix="na"):
    """✅ 收到 under a notice (private letter, group post, reminder)."""

    n: Id


class ComposeStep(CallbackData, prefix="nc"):
    """A choice while composing: `a` the step's answer, `i` an index into the step's list."""

    a: str
    i: Index = 0


class NoticeAction(enum.StrEnum):
    SEND = "send"
    DISCARD = "discard"
    WITHDRAW = "withdraw"
    SHOW = "show"  # the author's view with counts
    REFRESH = "refresh"  # the same, counted again in place
    READ = "read"  # a resident opens one from the list
    REMIND = "remind"
    MISSING = "missing"  # the households that did not acknowledge
    CORRECT = "correct"


class Step(CallbackData, prefix="nx"):
    a: NoticeAction
    n: Id


class ListKind(enum.StrEnum):
    RECENT = "r"  # 📢 通知公告
    MINE = "m"  # 我发的通知


class ListPage(CallbackData, prefix="np"):
    k: ListKind
    p: Index
