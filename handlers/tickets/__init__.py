"""Repair tickets in Telegram: reporting, filing for others, claiming, the worker's and the
reporter's steps, lists and stats, deadlines.

`routers()` are the buttons and commands; `input_routers()` take typed text, photos and voice
within a ticket step (put after every feature's buttons, so those keep working mid-step)."""

from __future__ import annotations

from aiogram import Router

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
