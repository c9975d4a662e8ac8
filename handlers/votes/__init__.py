"""Votes in Telegram: residents cast their household's ballot in private (from the group
card's 🗳, the announcement, a reminder or the menu); grid leaders create votes step by step,
follow them live, and enter paper ballots; admins close early.

`routers()` are the buttons and commands; `input_routers()` take typed text and photos within
a vote step (after every feature's buttons, so those keep working mid-step)."""

from __future__ import annotations

from aiogram import Router

from handlers.votes import ballots, creating, organizing


def routers() -> list[Router]:
    return [ballots.build(), organizing.build(), creating.build()]


def input_routers() -> list[Router]:
    return [creating.build_inputs(), organizing.build_inputs()]
