"""The ledger in Telegram: booking step by step, a courtyard's book for staff and supervisors
(approvals, verification, files, publishing), residents' published accounts and questions.

`routers()` are the buttons and commands; `input_routers()` take typed text and files within
a step (after every feature's buttons, so those keep working mid-step)."""

from __future__ import annotations

from aiogram import Router

from handlers.ledger import accounts, book, booking


def routers() -> list[Router]:
    return [booking.build(), book.build(), accounts.build()]


def input_routers() -> list[Router]:
    return [booking.build_inputs(), accounts.build_inputs()]
