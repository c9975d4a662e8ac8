"""Fees in Telegram. `routers()` are the buttons and commands; `input_routers()` take typed text
within a fee step (after every feature's buttons, so those keep working mid-step)."""

from __future__ import annotations

from aiogram import Router

from handlers.fees import reminders


def routers() -> list[Router]:
    return [reminders.build()]


def input_routers() -> list[Router]:
    return [reminders.build_inputs()]
