"""💰 My bills as an elderly resident and finance see it: finance sets how to pay; 王阿姨 opens
her bill, reads the breakdown, says she has paid (amount, method, screenshot); finance confirms
and she gets the receipt; a rejection with its reason; typing where a photo is expected;
leaving a step; and someone else's old or forged button."""

from __future__ import annotations

from typing import Any

import pytest
from fee_bills_data import FINANCE2_ID, FINANCE_ID, seed_bills, seed_finance
from harness import Person, World
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import ClaimStatus, Payment, PaymentClaim
from services.clock import FixedClock
from views.fees.callbacks import BillsAct, BillsDo

pytestmark = pytest.mark.english


@pytest.fixture
async def fees(
    world: World,
    people: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> dict[str, Any]:
    courtyard_id = people["folks"].courtyard_id
    await seed_finance(sessions, clock(), courtyard_id)
    home = await seed_bills(sessions, clock(), courtyard_id)
    return {
        **people,
        "home": home,
        "li": world.person("财务小李", FINANCE_ID, language_code="en"),
        "zhang_finance": world.person("财务小张", FINANCE2_ID, language_code="en"),
    }


async def set_instructions(li: Person) -> None:
    await li.sends("/menu")
    await li.taps("🏦 Payment instructions")
    assert "Payment instructions · 纬三路13号院" in li.last_message()
    await li.sends("工商银行 6222 0000 1111 · 服务中心一楼 周一至周五 9:00-17:00")
    assert "Saved the text" in li.last_message()
    await li.sends_photo("AgACqr-wsl")
    assert "Saved the QR code" in li.last_message()
    await li.taps("✅ Done")
    assert "工商银行 6222 0000 1111" in li.last_message()


async def open_bills(resident: Person) -> str:
    await resident.sends("/menu")
    assert "💰 My bills" in resident.menu()
    await resident.taps("💰 My bills")
    return resident.last_message()


async def claim(resident: Person, amount: str, photo: str) -> None:
    await resident.taps("✅ I have paid")
    assert "How much did you pay?" in resident.last_message()
    await resident.sends(amount)
    assert "How did you pay?" in resident.last_message()
    await resident.taps("WeChat")
    assert "screenshot" in resident.last_message()
    await resident.sends_photo(photo)
    assert "passed to finance" in resident.last_message()


async def test_a_resident_reads_her_bill_pays_and_gets_the_receipt(
    world: World, fees: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident, li, zhang = fees["resident"], fees["li"], fees["zhang_finance"]
    await set_instructions(li)

    bill = await open_bills(resident)
    for part in (
        "纬三路13号院 2号楼-1单元-501",
        "11/2026: ¥39.97",
        "Property fee: 72.60 m² × ¥0.55 = ¥39.93",
        "Parking: 1 space(s) × ¥40.00 = ¥40.00",
        "Adjustment: vacant flat −50%",
        "Earlier months not yet paid",
        "9/2026: ¥79.93",
        "10/2026: ¥79.93",
        "Total to pay: ¥199.83",
    ):
        assert part in bill, part
    assert resident.buttons() == [
        "✅ I have paid",
        "💳 How to pay",
        "🧾 Past payments",
        "↩ Back",
    ]

    await resident.taps("💳 How to pay")
    texts = resident.texts()
    assert "Scan to pay 纬三路13号院" in texts[-2]  # the QR code, sent as a photo
    sent_photos = [
        r.method for r in world.telegram.requests if type(r.method).__name__ == "SendPhoto"
    ]
    assert sent_photos[-1].photo == "AgACqr-wsl"
    assert "工商银行 6222 0000 1111" in texts[-1]

    # the amount is checked; a typed word where the photo belongs gets a hint
    await resident.taps("✅ I have paid")
    await resident.sends("0")
    assert "is not an amount" in resident.last_message()
    await resident.sends("100.005")
    assert "is not an amount" in resident.last_message()
    await resident.sends("100")
    await resident.taps("WeChat")
    await resident.sends("我已经转了")
    assert "send the transfer screenshot as a photo" in resident.last_message()
    await resident.sends_photo("AgACtransfer-1")
    assert "Your payment of ¥100.00 has been passed to finance" in resident.last_message()

    card = li.last_message()
    for part in ("Payment to confirm", "2号楼-1单元-501", "王阿姨", "¥100.00", "WeChat"):
        assert part in card, part
    assert li.buttons() == ["✅ Confirm and record", "✖ Reject"]
    late = zhang.tap_update("✅ Confirm and record")  # the other clerk's copy of the card
    await li.taps("✅ Confirm and record")
    assert "Recorded: receipt WSL-R000001, ¥100.00" in li.last_message()

    receipt = resident.last_message()
    for part in ("Receipt WSL-R000001", "¥100.00", "9/2026 ¥79.93", "Still to pay: ¥99.83"):
        assert part in receipt, part

    await world.feed(late)
    assert "already handled: 财务小李 confirmed it" in zhang.alerts()[-1]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Payment)) == 1

    await open_bills(resident)
    await resident.taps("🧾 Past payments")
    assert "receipt WSL-R000001" in resident.last_message()


async def test_a_rejection_with_its_reason_and_leaving_a_step(
    world: World, fees: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident, li = fees["resident"], fees["li"]
    await open_bills(resident)
    # leaving: ✖ Cancel, /cancel, or typing cancel
    await resident.taps("✅ I have paid")
    await resident.taps("✖ Cancel")
    assert "Cancelled. Nothing was sent." in resident.last_message()
    await resident.taps("✅ I have paid")
    await resident.sends("/cancel")
    assert "Cancelled. Nothing was sent." in resident.last_message()
    await open_bills(resident)
    await resident.taps("✅ I have paid")
    await resident.sends("cancel")
    assert "Cancelled. Nothing was sent." in resident.last_message()

    await open_bills(resident)
    await claim(resident, "50", "AgACtransfer-2")
    await li.taps("✖ Reject")
    assert "Please type the reason" in li.last_message()
    await li.sends_photo("AgACwhatever")
    assert "reason" in li.last_message()
    await li.sends("账上没有收到这笔钱，请带凭证来办公室")
    assert "Rejected. The resident will be told" in li.last_message()
    told = resident.last_message()
    assert "could not confirm your payment of ¥50.00" in told
    assert "账上没有收到这笔钱" in told
    async with sessions() as session:
        status = await session.scalar(select(PaymentClaim.status))
        assert status is ClaimStatus.REJECTED
        assert await session.scalar(select(func.count()).select_from(Payment)) == 0


async def test_someone_elses_old_or_forged_button_is_refused(
    world: World, fees: dict[str, Any]
) -> None:
    resident, neighbour = fees["resident"], fees["neighbour"]
    await open_bills(resident)
    bill_message = list(world.telegram.chat(resident.id).messages.values())[-1]
    await neighbour.sends("/menu")
    own = list(world.telegram.chat(neighbour.id).messages.values())[-1]
    for do in (BillsDo.HISTORY, BillsDo.BACK, BillsDo.HOW, BillsDo.PAID):
        forged = BillsAct(a=do, h=fees["home"]).pack()
        await world.feed(neighbour.callback_update(own, forged))
        assert "only see the bills of a household you belong to" in neighbour.alerts()[-1]
    # the resident's own old statement still works for her
    await world.feed(
        resident.callback_update(bill_message, BillsAct(a=BillsDo.HISTORY, h=fees["home"]).pack())
    )
    assert "No payments recorded yet." in resident.last_message()
