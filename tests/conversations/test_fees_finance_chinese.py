"""Finance's fee screens as a Chinese reader sees them: the rates with their definitions, and
the receipt the household gets."""

from __future__ import annotations

from typing import Any

from harness import World
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from test_fees_finance import FINANCE_ID, grant, pick

from services.access import Role
from services.clock import FixedClock
from services.fees import bills, plans


async def test_rates_and_a_receipt_read_in_chinese(
    world: World,
    people: dict[str, Any],
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    await grant(sessions, clock(), FINANCE_ID, Role.FINANCE, courtyard["id"])
    async with sessions() as session, session.begin():
        await plans.create(
            session,
            None,
            courtyard["id"],
            name="基础服务",
            rate="0.50",
            parking_fee="40",
            from_period="2026-11",
            now=clock(),
        )
    await bills.run_period(sessions, "2026-11", clock())
    finance = world.person("会计小吴", FINANCE_ID)
    await finance.sends("/menu")
    await finance.taps("💵 登记收款")
    await pick(finance)
    assert "合计应缴：¥76.30" in finance.last_message()
    await finance.taps("现金")
    await finance.taps("全部 ¥76.30")
    await finance.taps("今天 2026-11-28")
    await finance.taps("跳过")
    await finance.taps("跳过")
    await finance.taps("✅ 确认收款")
    assert "收据号：<b>WSL-R000001</b>" in finance.last_message()
    resident = people["resident"]  # reads English (her Telegram says so): the receipt follows
    assert "WSL-R000001" in resident.last_message()
    leader = people["leader"]
    await leader.sends("/fees")
    rates = leader.texts()[-2]
    assert "本期（2026-11）：" in rates
    assert "· 按户数：1/48 = 2.08%" in rates
    assert "· 按金额：¥76.30 / ¥2613.60 = 2.92%" in rates
    assert "按户数：本期已缴清户数 ÷ 应缴户数" in rates
    assert {"◀ 上月", "🖼 图表", "📋 欠费户清单"} <= set(leader.buttons()) | {
        b.text
        for m in world.telegram.chat(leader.id).messages.values()
        if m.reply_markup
        for row in m.reply_markup.inline_keyboard
        for b in row
    }
