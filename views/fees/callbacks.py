"""Callback data of the residents' fee buttons and of the claim cards finance decides. Each
fits Telegram's 64 bytes: ids and short codes. The household in a button is checked again by
the service when tapped (an old button, forged data: refused)."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Id, Index


class BillsHome(CallbackData, prefix="mbh"):
    """💰 My bills: this household's statement."""

    h: Id


class BillsDo(enum.StrEnum):
    PAID = "paid"  # ✅ I have paid
    HOW = "how"  # 💳 How to pay
    HISTORY = "hist"  # 🧾 Past payments
    BACK = "back"  # ↩ Back to the statement (or the list of homes)
    HOMES = "homes"  # ↩ Back to the list of homes


class BillsAct(CallbackData, prefix="mba"):
    a: BillsDo
    h: Id
    p: Index = 0  # page of past payments


class ClaimMethod(CallbackData, prefix="pcm"):
    """How the resident paid; "skip" says nothing."""

    m: str


class ClaimStop(CallbackData, prefix="pcx"):
    """✖ Cancel, within the claim's steps or finance's reason."""

    what: str  # "claim", "reason", "setup"


class Decide(CallbackData, prefix="pcd"):
    """Finance on a claim's card: ✅ confirm and record, or ✖ reject (then a reason)."""

    c: Id
    ok: bool


class SetupCourtyard(CallbackData, prefix="pis"):
    c: Id


class SetupDo(enum.StrEnum):
    DONE = "done"
    CLEAR_QR = "clearqr"


class SetupStep(CallbackData, prefix="pia"):
    a: SetupDo
    c: Id
