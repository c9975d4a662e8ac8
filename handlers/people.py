"""The people feature in Telegram: groups, /start, joining, registering a neighbour, approvals,
the menu, /help and /lang."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    from handlers import approvals, groups, join, menu, register, start

    return [
        groups.build(),
        start.build(),
        join.build(),
        register.build(),
        approvals.build(),
        menu.build(),
    ]
