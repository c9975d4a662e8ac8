"""Telegram in: one aiogram Router per feature; parse input, call a service, reply."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    """Every feature's router, in the order they should see updates; the fallback comes last."""
    from handlers import approvals, errors, groups, join, menu, register, start, tickets

    return [
        errors.build(),
        groups.build(),
        start.build(),
        *tickets.routers(),  # before join: ticket pickers use join's buttons in their own mode
        join.build(),
        register.build(),
        approvals.build(),
        menu.build(),
        *tickets.input_routers(),  # after the menu, so its buttons work in the middle of a step
        errors.build_fallback(),
    ]
