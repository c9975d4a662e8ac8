"""💰 我的账单 as 王阿姨 reads it in Chinese: the words she sees and the buttons she taps."""

from __future__ import annotations

from typing import Any

from fee_bills_data import FINANCE_ID, seed_bills, seed_finance
from harness import World
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import FixedClock


async def test_the_bill_in_chinese_with_big_plain_buttons(
    world: World,
    people: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    courtyard_id = people["folks"].courtyard_id
    await seed_finance(sessions, clock(), courtyard_id)
    await seed_bills(sessions, clock(), courtyard_id)
    resident = people["resident"]
    await resident.sends("/menu")
    assert "💰 我的账单" in resident.menu()
    await resident.taps("💰 我的账单")
    bill = resident.last_message()
    for part in (
        "2026年11月：¥39.97",
        "物业费：72.60 m² × ¥0.55 = ¥39.93",
        "车位：1 个车位 × ¥40.00 = ¥40.00",
        "减免：空置房 −50%",
        "以前还没交的月份",
        "2026年9月：¥79.93",
        "一共要交：¥199.83",
    ):
        assert part in bill, part
    assert resident.buttons() == ["✅ 我已缴费", "💳 缴费方式", "🧾 历史缴费", "↩ 返回"]
    await resident.taps("✅ 我已缴费")
    assert "您交了多少钱？" in resident.last_message()
    await resident.sends("取消")
    assert "已取消" in resident.last_message()

    finance = world.person("财务小李", FINANCE_ID)
    await finance.sends("/menu")
    assert "🏦 收款方式设置" in finance.menu()
