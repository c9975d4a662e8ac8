"""Repair tickets in Telegram: reporting, filing for others, claiming, the worker's and the
reporter's steps, lists and stats, deadlines.

`routers()` go before handlers.join (its pickers refuse the "t" mode used here);
`input_routers()` take typed text, photos and voice within a ticket step, and go after the
menu's router so that menu buttons and commands keep working in the middle of a step."""

from __future__ import annotations

from aiogram import Router

import views.tickets.menu  # noqa: F401  (adds the ticket menu buttons and help lines)
from handlers.tickets import claim, deadlines, lists, on_behalf, report, reporter, work


def routers() -> list[Router]:
    return [
        report.build(),
        on_behalf.build(),
        claim.build(),
        work.build(),
        reporter.build(),
        lists.build(),
        deadlines.build(),
    ]


def input_routers() -> list[Router]:
    return [report.build_inputs(), work.build_inputs(), reporter.build_inputs()]
