"""Events with sign-up in Telegram: creating and publishing (grid leaders), the residents'
list and signing up or cancelling, signing up a neighbour through the household picker, the
check-in list and its spreadsheet.

`routers()` are the buttons and commands; `input_routers()` take the typed steps of creating
an event (after every feature's buttons, so those keep working mid-step)."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    from handlers.signups import create, join, on_behalf, roster

    return [join.build(), create.build(), on_behalf.build(), roster.build()]


def input_routers() -> list[Router]:
    from handlers.signups import create

    return [create.build_inputs()]
