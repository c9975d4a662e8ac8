"""Fees in Telegram: the residents' 💰 My bills and "I have paid", finance's screens (plans,
adjustments, recording and reversing payments, payment instructions, confirming residents'
claims), /fees collection, and answers to reminders.

`routers()` are the buttons and commands; `input_routers()` take typed text and photos within a
fees step (put after every feature's buttons, so those keep working mid-step). Each part of the
feature adds its routers in its section."""

from __future__ import annotations

from aiogram import Router

from handlers.fees import (
    bills,
    claiming,
    deciding,
    finance_adjustments,
    finance_payments,
    finance_plans,
    finance_reversals,
    instructions,
    rates,
    reminders,
)


def routers() -> list[Router]:
    return [
        # residents: My bills, I have paid; finance: payment instructions, claims
        # (a menu button in the middle of a step first leaves the step, then does its work)
        claiming.build(),
        deciding.build(),
        instructions.build(),
        bills.build(),
        # finance: plans, adjustments, payments and reversals, /fees
        finance_plans.build(),
        finance_adjustments.build(),
        finance_reversals.build(),  # before the payment steps, which take every other PayStep
        finance_payments.build(),
        rates.build(),
        # reminders: answers to reminders, finance resuming paused ones
        reminders.build(),
    ]


def input_routers() -> list[Router]:
    return [
        # residents; finance: claims, payment instructions
        claiming.build_inputs(),
        deciding.build_inputs(),
        instructions.build_inputs(),
        # finance
        finance_plans.build_inputs(),
        finance_adjustments.build_inputs(),
        finance_payments.build_inputs(),
        finance_reversals.build_inputs(),
        # reminders: the words a resident adds to an answer
        reminders.build_inputs(),
    ]
