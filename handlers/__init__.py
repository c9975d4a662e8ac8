"""Telegram in: one aiogram Router per feature; parse input, call a service, reply."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    """Every feature's router, in the order they should see updates; the fallback comes last."""
    from handlers import approvals, errors, groups, join, menu, register, start

    return [
        errors.build(),
        groups.build(),
        start.build(),
        join.build(),
        register.build(),
        approvals.build(),
        menu.build(),
        errors.build_fallback(),
    ]
