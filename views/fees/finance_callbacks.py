"""Callback data of finance's fee buttons and of the collection-rate screens. Each fits
Telegram's 64 bytes: ids, short codes, a period 'YYYY-MM', a receipt number."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Index


class PlanStep(CallbackData, prefix="fnp"):
    a: str  # new (c: courtyard), use (v: a suggested value for the step), ok, cancel
    c: Index = 0
    v: str = ""


class PayStep(CallbackData, prefix="fnm"):
    """The payment steps: method (v), all (the whole amount due), today, skip (reference or
    photo), ok, cancel; history (h), reverse (v: receipt number) of a household."""

    a: str
    h: Index = 0
    v: str = ""


class AdjustStep(CallbackData, prefix="fna"):
    a: str  # kind (v), use (v: a period), ok, cancel
    v: str = ""


class RatesView(CallbackData, prefix="fnr"):
    """A collection-rate screen: courtyard c (0: every courtyard the viewer reads), period p,
    page n of courtyards; a: show, or chart (the PNG of the same figures)."""

    c: Index
    p: str
    n: Index = 0
    a: str = "show"


class OwingList(CallbackData, prefix="fnx"):
    """A page of the households owing in courtyard c for months up to p (staff, private)."""

    c: Index
    p: str
    n: Index = 0
