"""Callback data of sign-up buttons. Each fits Telegram's 64 bytes: ids and short codes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Id, Index


class OpenGathering(CallbackData, prefix="suo"):
    g: Id


class ChooseSlot(CallbackData, prefix="sus"):
    """A slot for oneself (p=0) or, by a grid leader, for person p of household h."""

    g: Id
    s: Id
    p: Index = 0
    h: Index = 0


class ConfirmSlot(CallbackData, prefix="suc"):
    g: Id
    s: Id
    p: Index = 0
    h: Index = 0
    w: bool = False  # join the waiting list (the slot is full)


class CancelSignup(CallbackData, prefix="sux"):
    sg: Id  # sign-up id
    ok: bool = False


class Manage(CallbackData, prefix="sum"):
    g: Id
    a: str  # roster, export, for


class RosterSlot(CallbackData, prefix="sur"):
    g: Id
    s: Index  # 0: the slot list


class CheckIn(CallbackData, prefix="suk"):
    sg: Id
    s: Id  # the slot shown, to show again


class ForPerson(CallbackData, prefix="sup"):
    g: Id
    h: Id
    p: Id


class DraftStep(CallbackData, prefix="sud"):
    a: str  # publish, slots, cancel
