"""Notices in Telegram: composing and sending (grid leaders, admins), ✅ 收到 in private and in
the residents' group, the author's counts and reminder, and residents reading notices later.

`routers()` are the buttons and commands; `input_routers()` take what the composer types or
sends within a step (after every feature's buttons, so those keep working mid-step)."""

from __future__ import annotations

from aiogram import Router

from handlers.notices import acks, compose, lists, sending


def routers() -> list[Router]:
    return [compose.build(), sending.build(), acks.build(), lists.build()]


def input_routers() -> list[Router]:
    return [compose.build_inputs()]
