"""Quiet hours per kind of message: work for the repair team goes at once, news waits."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.features import render_table
from services.policy import WAITS_FOR_QUIET_HOURS, Policy, waits_for_quiet_hours

NIGHT = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)  # 03:00 in Zhengzhou
MORNING = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)  # 08:00


def test_every_kind_of_message_is_decided() -> None:
    assert {kind.kind for kind in render_table().payload_types()} <= set(WAITS_FOR_QUIET_HOURS)


def test_work_goes_at_once_news_waits_urgent_never_waits() -> None:
    policy = Policy()
    assert not waits_for_quiet_hours("ticket.card")
    assert policy.delivery_at("ticket.card", NIGHT) == NIGHT
    assert policy.delivery_at("membership.requested", NIGHT) == MORNING
    assert policy.delivery_at("ticket.update", NIGHT) == MORNING
    assert policy.delivery_at("ticket.update", NIGHT, urgent=True) == NIGHT
    assert policy.quiet_for("ticket.card") is None
    assert policy.quiet_for("ticket.update") is policy
    assert policy.quiet_for("ticket.update", urgent=True) is None
