"""Callback data of vote buttons; each fits Telegram's 64 bytes (ids and short codes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Id, Index


class OpenBallot(CallbackData, prefix="vb"):
    v: Id  # vote id
    h: Index = 0  # household id, 0: not chosen yet


class Choose(CallbackData, prefix="vc"):
    v: Id
    h: Id
    o: Index  # option position


class Confirm(CallbackData, prefix="vk"):
    v: Id
    h: Id
    o: Index


class GroupTap(CallbackData, prefix="vg"):
    v: Id


class Organize(CallbackData, prefix="vo"):
    v: Id
    a: str  # live, waiting, paper, close


class Draft(CallbackData, prefix="vd"):
    a: str  # plan_yes, plan_no, more, done, whole, bld, scope_done, simple, m, days, open, drop
    n: Index = 0


class Paper(CallbackData, prefix="vp2"):
    v: Id
    h: Id
    ch: str  # paper, proxy, in_person
    o: Index = 0
