"""Reading days and time slots as a grid leader types them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.policy import SHANGHAI
from services.signups.errors import DayInPast, InvalidDay, InvalidSlots, SlotsInPast
from services.signups.schedule import check_future, parse_day, parse_slots

TODAY = date(2026, 11, 28)
DAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("明天", date(2026, 11, 29)),
        ("后天", date(2026, 11, 30)),
        ("12-05", DAY),
        ("12月5日", DAY),
        ("12月5号", DAY),
        ("2026-12-05", DAY),
        ("12/5", DAY),
        ("1-10", date(2027, 1, 10)),  # January comes next year
    ],
)
def test_days_people_type(typed: str, day: date) -> None:
    assert parse_day(typed, TODAY) == day


def test_a_day_not_understood_or_past() -> None:
    with pytest.raises(InvalidDay):
        parse_day("下周", TODAY)
    with pytest.raises(InvalidDay):
        parse_day("2-30", TODAY)
    with pytest.raises(DayInPast):
        parse_day("2026-11-01", TODAY)


def test_a_run_of_fifteen_minute_slots_of_five() -> None:
    slots = parse_slots("9:00-11:00 每15分钟 5人", DAY, SHANGHAI)
    assert len(slots) == 8
    assert {s.capacity for s in slots} == {5}
    assert slots[0].starts_at == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # 9:00 in Zhengzhou
    assert slots[0].ends_at == datetime(2026, 12, 5, 1, 15, tzinfo=UTC)
    assert slots[-1].ends_at == datetime(2026, 12, 5, 3, 0, tzinfo=UTC)


def test_single_slots_and_other_spellings() -> None:
    slots = parse_slots("14:00-15:00 10人\n9点-10点半 每30分钟 3位", DAY, SHANGHAI)
    assert [(s.starts_at.hour, s.starts_at.minute, s.capacity) for s in slots] == [
        (1, 0, 3),
        (1, 30, 3),
        (2, 0, 3),
        (6, 0, 10),
    ]
    last_of_run = slots[2]
    assert (last_of_run.ends_at.hour, last_of_run.ends_at.minute) == (2, 30)


@pytest.mark.parametrize(
    "typed",
    ["", "明天上午", "11:00-9:00 5人", "9:00-11:00 每0分钟 5人", "9:00-10:00 5人\n9:30-10:30 5人",
     "25:00-26:00 5人"],
)  # fmt: skip
def test_times_not_understood_name_the_line(typed: str) -> None:
    with pytest.raises(InvalidSlots):
        parse_slots(typed, DAY, SHANGHAI)


def test_times_already_past() -> None:
    slots = parse_slots("9:00-10:00 5人", DAY, SHANGHAI)
    with pytest.raises(SlotsInPast):
        check_future(slots, datetime(2026, 12, 5, 3, 0, tzinfo=UTC))
    check_future(slots, datetime(2026, 12, 5, 0, 0, tzinfo=UTC))
