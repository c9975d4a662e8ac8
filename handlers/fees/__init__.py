"""Fees in Telegram: finance's plans, adjustments, payments and reversals, and the collection
rates (/fees) for staff and groups.

`routers()` are the buttons and commands; `input_routers()` take what is typed or sent within a
step (put after every feature's buttons, so those keep working mid-step)."""

from __future__ import annotations

from aiogram import Router

from handlers.fees import (
    finance_adjustments,
    finance_payments,
    finance_plans,
    finance_reversals,
    rates,
)


def routers() -> list[Router]:
    return [
        finance_plans.build(),
        finance_adjustments.build(),
        finance_reversals.build(),
        finance_payments.build(),
        rates.build(),
    ]


def input_routers() -> list[Router]:
    return [
        finance_plans.build_inputs(),
        finance_adjustments.build_inputs(),
        finance_payments.build_inputs(),
        finance_reversals.build_inputs(),
    ]
