"""The people feature in Telegram: groups, /start, joining, registering a neighbour, approvals;
and the basics every person uses: the menu, /help, /lang and 🏠 My home."""

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
        menu.build(),  # after the flows, which may first leave a step the person was in
    ]


def basics() -> list[Router]:
    """The fast lane: the menu's buttons and commands for someone in no step of any flow, seen
    first (most private updates are these; the same handlers also stand after the flows)."""
    from handlers import menu, start

    return [start.build_waiting(), menu.build(outside_steps=True)]
