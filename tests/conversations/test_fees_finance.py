"""Finance in the chat: a plan set step by step (bad answers asked again, nothing half-written),
a cash payment recorded through the household picker in a few taps with its receipt to the
household, a duplicate reference refused (also for two clerks at once), a reversal; the
collection rates for a grid leader, a group that sees only the rates, and every other role."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from harness import Person, World
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import OTHER_LEADER_ID, seed_courtyard

from models import Event, FeeAdjustment, FeePlan, Payment, PaymentReversal
from services import roles
from services.access import Role
from services.clock import FixedClock
from services.fees import bills
from views.fees.finance_callbacks import OwingList
from views.pickers import Pick

pytestmark = pytest.mark.english

FINANCE_ID = 6001  # finance of 纬三路13号院 (as in tests/services/fees_data.py)
OTHER_FINANCE_ID = 6002  # finance of 都市A座
SECOND_CLERK_ID = 6004  # another finance clerk of 纬三路13号院
HOME = "2号楼-1单元-501"  # 王阿姨's: 72.60 m², one parking space: 0.50 × 72.60 + 40 = ¥76.30
RESIDENTS_GROUP = -100777


async def grant(
    sessions: async_sessionmaker[AsyncSession],
    now: Any,
    telegram_id: int,
    role: Role,
    courtyard_id: int | None,
) -> None:
    async with sessions() as session, session.begin():
        user = await roles.user_by_telegram_id(session, telegram_id, now, create=True)
        await roles.grant(session, user, role, courtyard_id, now, tell=False)


async def count(sessions: async_sessionmaker[AsyncSession], model: type, *where: Any) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.fixture
async def finance(
    world: World,
    people: dict[str, Any],
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> Person:
    await grant(sessions, clock(), FINANCE_ID, Role.FINANCE, courtyard["id"])
    return world.person("会计小吴", FINANCE_ID, language_code="en")


async def set_plan(clerk: Person, period: str = "2026-11") -> None:
    await clerk.sends("/plans")
    await clerk.taps("➕ New plan")
    await clerk.sends("基础服务")
    await clerk.sends("0.50")
    await clerk.sends("40")
    await clerk.sends(period)
    await clerk.taps("✅ Save the plan")


async def pick(clerk: Person, label: str = HOME) -> None:
    building, unit, room = label.split("-")
    await clerk.taps(building)
    await clerk.taps(unit)
    await clerk.taps(room)


async def billed(world: World, finance: Person) -> None:
    """The plan from 2026-11 set in the chat, and November billed."""
    await set_plan(finance)
    await bills.run_period(world.sessions, "2026-11", world.clock())


async def test_a_plan_is_set_step_by_step_and_bad_answers_are_asked_again(
    world: World, finance: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await finance.sends("/plans")
    assert "No fee plan yet" in finance.last_message()
    await finance.taps("➕ New plan")
    assert "Step 1 of 4" in finance.last_message()
    await finance.sends("基础服务")
    assert "Step 2 of 4" in finance.last_message()
    for bad in ("0.55555", "-1", "half a yuan"):
        await finance.sends(bad)
        answer = finance.last_message()
        assert f"{bad} is not a rate" in answer
        assert "at most 4 decimals" in answer
        assert "Step 2 of 4" in answer  # the same step, asked again
    await finance.sends("0.50")
    assert "Step 3 of 4" in finance.last_message()
    await finance.sends("-40")
    assert "is not a parking fee" in finance.last_message()
    assert "Step 3 of 4" in finance.last_message()
    await finance.sends("40")
    assert "Step 4 of 4" in finance.last_message()
    assert "2026-11" in finance.buttons()  # this month, as nothing is billed yet
    await finance.sends("2026-13")
    assert "2026-13 is not a month" in finance.last_message()
    assert "Step 4 of 4" in finance.last_message()
    assert await count(sessions, FeePlan) == 0  # nothing half-written
    assert _all_buttons(finance).count("✖ Cancel") == 1  # questions above lost their buttons
    await finance.taps("2026-11")
    preview = finance.last_message()
    assert "Fee per m² per month: ¥0.50" in preview
    assert "Fee per parking space per month: ¥40.00" in preview
    await finance.taps("✅ Save the plan")
    assert "Plan 基础服务 saved for 纬三路13号院 from 2026-11" in finance.last_message()
    async with sessions() as session:
        plan = await session.scalar(select(FeePlan))
        assert plan is not None
        assert (plan.rate_per_m2, plan.parking_fee_fen, plan.from_period) == (5000, 4000, "2026-11")
    # billed: the plan says so, and a new one from a billed month is refused at its step
    await bills.run_period(world.sessions, "2026-11", world.clock())
    await finance.sends("/plans")
    assert "from 2026-11: 基础服务, ¥0.50 per m² per month" in finance.last_message()
    assert "(billed)" in finance.last_message()
    await finance.taps("➕ New plan")
    await finance.sends("带门卫")
    await finance.sends("0.60")
    await finance.sends("80")
    assert finance.buttons()[0] == "2026-12"  # the earliest month a new plan can start
    await finance.sends("2026-11")
    answer = finance.last_message()
    assert "2026-11 is already billed" in answer
    assert "from 2026-12 at the earliest" in answer
    assert "Step 4 of 4" in answer
    await finance.taps("✖ Cancel")
    assert await count(sessions, FeePlan) == 1


async def test_a_clerk_of_two_courtyards_chooses_the_courtyard_first(
    world: World,
    finance: Person,
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    other_yard = await seed_courtyard(
        sessions, clock(), "都市A座", code="DSA", leader_id=OTHER_LEADER_ID
    )
    await grant(sessions, clock(), FINANCE_ID, Role.FINANCE, other_yard["id"])
    await finance.sends("/plans")
    assert "Fee plans of which courtyard?" in finance.last_message()
    assert set(finance.buttons()) == {"纬三路13号院", "都市A座"}
    await finance.taps("都市A座")
    assert "Fee plans of 都市A座" in finance.last_message()
    await finance.taps("➕ New plan")
    assert "New fee plan for 都市A座" in finance.last_message()
    await finance.sends("/pay")
    await finance.taps("纬三路13号院")
    assert "Which building" in finance.last_message()


async def test_a_cash_payment_in_few_taps_with_a_receipt_and_a_reversal(
    world: World,
    finance: Person,
    people: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await billed(world, finance)
    resident = people["resident"]
    await finance.sends("/menu")
    assert {
        "💵 Record a payment",
        "🏷 Fee adjustments",
        "📐 Fee plans",
        "📊 Collection rates",
    } <= set(finance.menu())
    await finance.taps("💵 Record a payment")
    await pick(finance)
    screen = finance.last_message()
    assert "2026-11  ¥76.30" in screen
    assert "Due in all: ¥76.30" in screen
    assert {"Cash", "WeChat", "Alipay", "Bank transfer", "Other"} <= set(finance.buttons())
    await finance.taps("Cash")
    await finance.taps("All ¥76.30")
    await finance.taps("Today 2026-11-28")
    await finance.sends("XJ-0001")
    await finance.sends("a file, not a photo")
    assert "Please send a photo" in finance.last_message()
    await finance.sends_photo("photo-of-the-paper-receipt")
    check = finance.last_message()
    assert "Received: ¥76.30, Cash" in check
    assert "Reference: XJ-0001" in check
    assert "Photo: attached" in check
    await finance.taps("✅ Record the payment")
    done = finance.last_message()
    assert "Recorded ¥76.30 (Cash) for 2号楼-1单元-501" in done
    assert "Receipt number: <b>WSL-R000001</b>" in done
    assert "It pays for: 2026-11" in done
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.action == "payment_recorded"))
        assert event is not None
        assert event.data["photo"] == "photo-of-the-paper-receipt"
        assert event.data["reference"] == "XJ-0001"
    told = resident.last_message()  # the receipt, whichever view renders it
    assert "WSL-R000001" in told
    assert "76.30" in told
    assert "2026-11-28" in told

    # the same reference again, for another household: refused at its step, asked again
    await finance.sends("/pay")
    await pick(finance, "1号楼-1单元-101")
    await finance.taps("WeChat")
    await finance.sends("0")
    assert "0 is not an amount" in finance.last_message()
    await finance.sends("50")
    await finance.sends("2026-12-01")
    assert "cannot be dated in the future" in finance.last_message()
    await finance.sends("2026-11-27")
    await finance.sends("XJ-0001")
    refused = finance.last_message()
    assert "reference XJ-0001 is already recorded (receipt WSL-R000001)" in refused
    assert "Write it, or tap Skip" in refused
    await finance.taps("✖ Cancel")
    assert await count(sessions, Payment) == 1

    # 「冲正」 from the household's payments, with a reason
    await finance.sends("/pay")
    await pick(finance)
    await finance.taps("🧾 Payments and reversals")
    assert "WSL-R000001 · 2026-11-28 · ¥76.30 · Cash · XJ-0001" in finance.last_message()
    await finance.taps("↩ Reverse WSL-R000001")
    assert "Why is WSL-R000001 reversed" in finance.last_message()
    await finance.sends("录错了户")
    assert "WSL-R000001 is reversed: 录错了户" in finance.last_message()
    async with sessions() as session:
        reversal = await session.scalar(select(PaymentReversal))
        assert reversal is not None
        assert reversal.reason == "录错了户"
    await finance.sends("/pay")
    await pick(finance)
    assert "Due in all: ¥76.30" in finance.last_message()  # open again
    await finance.taps("🧾 Payments and reversals")
    assert "reversed: 录错了户" in finance.last_message()
    assert not any(b.startswith("↩ Reverse") for b in finance.buttons())


async def test_a_menu_button_or_a_command_in_the_middle_of_a_step_leaves_it(
    world: World, finance: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await billed(world, finance)
    await finance.sends("/menu")
    await finance.sends("/pay")
    await pick(finance)
    await finance.taps("Cash")
    await finance.taps("📊 Collection rates")  # the amount step is left
    assert finance.texts()[-2].startswith("📊 Collection rates · 2026-11")
    await finance.sends("50")
    assert "did not understand" in finance.last_message()
    await finance.sends("/plans")
    await finance.taps("➕ New plan")
    await finance.sends("/fees")  # a command leaves the plan's steps too
    await finance.sends("基础服务二")
    assert "did not understand" in finance.last_message()
    assert await count(sessions, Payment) == 0
    assert await count(sessions, FeePlan) == 1


async def test_two_clerks_with_one_reference_at_the_same_moment_record_one_payment(
    world: World,
    finance: Person,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    await billed(world, finance)
    await grant(sessions, clock(), SECOND_CLERK_ID, Role.FINANCE, courtyard["id"])
    second = world.person("会计小郑", SECOND_CLERK_ID, language_code="en")
    for clerk, home in ((finance, HOME), (second, "1号楼-1单元-101")):
        await clerk.sends("/pay")
        await pick(clerk, home)
        await clerk.taps("Bank transfer")
        await clerk.sends("76.30")
        await clerk.taps("Today 2026-11-28")
        await clerk.sends("ZZ20261128001")
        await clerk.taps("Skip")
    # both see the check with the same transfer number; both tap ✅
    await finance.taps("✅ Record the payment")
    await second.taps("✅ Record the payment")
    assert "Receipt number: <b>WSL-R000001</b>" in finance.last_message()
    assert "reference ZZ20261128001 is already recorded (receipt WSL-R000001)" in (
        second.last_message()
    )
    assert await count(sessions, Payment) == 1
    assert await count(sessions, Event, Event.action == "payment_recorded") == 1


async def test_an_adjustment_for_a_household_with_a_reason(
    world: World, finance: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await finance.sends("/adjust")
    await pick(finance)
    await finance.taps("Vacant flat (空置房)")
    await finance.sends("150")
    assert "150 is not a percentage" in finance.last_message()
    await finance.sends("50")
    await finance.sends("   ")
    assert "Please give a reason" in finance.last_message()
    await finance.sends("常年无人居住")
    await finance.taps("2026-12")
    assert "Pays: 50% of the fee" in finance.last_message()
    await finance.taps("✅ Save the adjustment")
    assert "from 2026-12 2号楼-1单元-501 pays 50% of the fee" in finance.last_message()
    async with sessions() as session:
        row = await session.scalar(select(FeeAdjustment))
        assert row is not None
        assert (row.percent, row.reason, row.from_period) == (50, "常年无人居住", "2026-12")
    await finance.sends("/adjust")
    await pick(finance)
    assert "from 2026-12: Vacant flat (空置房), pays 50%, 常年无人居住" in finance.last_message()
    await finance.taps("Hardship waiver (低保)")  # waived: no percentage asked
    assert "Please write the reason" in finance.last_message()


async def test_a_grid_leader_reads_both_rates_and_the_households_owing(
    world: World, finance: Person, people: dict[str, Any]
) -> None:
    await billed(world, finance)
    await finance.sends("/pay")
    await pick(finance)
    await finance.taps("Cash")
    await finance.taps("All ¥76.30")
    await finance.taps("Today 2026-11-28")
    await finance.taps("Skip")
    await finance.taps("Skip")
    await finance.taps("✅ Record the payment")
    leader = people["leader"]
    await leader.sends("/menu")
    assert "➕ More" in leader.menu()  # a report: under 「➕ 更多」 (the harness taps through it)
    await leader.taps("📊 Collection rates")
    rates = leader.texts()[-2]  # then the chart
    assert rates.startswith("📊 Collection rates · 2026-11")
    assert "By households: 1/48 = 2.08%" in rates
    assert "By amount: ¥76.30 / ¥2613.60 = 2.92%" in rates
    assert "by households: households that paid the period in full" in rates
    assert "by amount: received for the period ÷ due for the period" in rates
    await leader.taps("◀ Last month")
    assert "Nothing billed for 2026-10" in leader.texts()[-2]  # the same message, edited
    await leader.taps("Next month ▶")
    assert "By households: 1/48 = 2.08%" in leader.texts()[-2]
    await leader.taps("📋 Households owing")
    owing = leader.last_message()
    assert "households owing (months up to 2026-11)" in owing
    assert "47 households, ¥2537.30 in all" in owing
    assert "1号楼-1单元-101 · 1 month(s) · ¥" in owing
    assert HOME not in owing  # 王阿姨 paid
    assert owing.count("(since 2026-11)") == 15  # a page
    await leader.taps("Next ▶")
    assert "Page 2 of 4" in leader.last_message()


async def test_the_month_is_kept_apart_from_the_arrears_it_recovers(
    world: World, finance: Person, people: dict[str, Any]
) -> None:
    await set_plan(finance, "2026-10")
    for period in ("2026-10", "2026-11"):
        await bills.run_period(world.sessions, period, world.clock())
    await finance.sends("/pay")
    await pick(finance)
    assert "Due in all: ¥152.60" in finance.last_message()
    await finance.taps("WeChat")
    await finance.sends("76.30")  # October's, paid in November
    await finance.taps("Today 2026-11-28")
    await finance.taps("Skip")
    await finance.taps("Skip")
    await finance.taps("✅ Record the payment")
    assert "It pays for: 2026-10" in finance.last_message()
    leader = people["leader"]
    await leader.sends("/fees")
    rates = leader.texts()[-2]
    assert "By households: 0/48 = 0.00%" in rates  # November itself: nobody yet
    assert (
        "Arrears: ¥2613.60 owed for earlier months at the start of the month, ¥76.30 of it "
        "recovered during the month"
    ) in rates


async def test_the_chart_comes_with_the_figures_or_one_line_why_not(
    world: World, finance: Person, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    await billed(world, finance)
    leader = people["leader"]
    import handlers.fees.rates
    from views.documents.errors import DocumentsUnavailable

    def no_font(**figures: Any) -> bytes:
        assert [s.values for s in figures["series"]] == [[Decimal(0)], [Decimal(0)]]
        raise DocumentsUnavailable("chart", "font", "fonts-wqy-microhei")

    monkeypatch.setattr(handlers.fees.rates, "bar_chart", no_font)
    await leader.sends("/fees")
    assert "By households: 0/48 = 0.00%" in leader.texts()[-2]
    assert leader.last_message() == (
        "Cannot draw the chart: the server lacks the Chinese font (Debian package "
        "fonts-wqy-microhei)."
    )
    assert leader.files() == []
    monkeypatch.undo()
    await leader.taps("🖼 Chart")
    (chart,) = leader.files()
    assert chart.as_photo
    assert chart.filename == "collection-2026-11.png"
    assert chart.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "by households (paid in full ÷ billed) and by amount" in str(chart.caption)


def _all_buttons(person: Person) -> list[str]:
    return [
        b.text
        for m in person._log().messages.values()
        if m.reply_markup
        for row in m.reply_markup.inline_keyboard
        for b in row
    ]


async def test_a_group_sees_only_the_rates_never_who_has_not_paid(
    world: World, finance: Person, people: dict[str, Any]
) -> None:
    await billed(world, finance)
    leader, resident = people["leader"], people["resident"]
    group = world.group(RESIDENTS_GROUP, "纬三路13号院居民群")
    await world.add_bot_to_group(group, leader)
    await leader.sends("/link", chat=group)
    await leader.taps("纬三路13号院 · residents' group", chat=group)
    await resident.sends("/fees", chat=group)
    shown = resident.last_message(group)
    assert "纬三路13号院 · collection rates 2026-11" in shown
    assert "By households: 0/48 = 0.00%" in shown
    assert "By amount: 0.00% of what is due was received" in shown
    assert "¥" not in shown
    assert "号楼" not in shown  # no room, no building
    assert "Households owing" not in str(world.telegram.chat(RESIDENTS_GROUP).messages)


async def test_who_may_not_is_refused_clearly(
    world: World,
    finance: Person,
    people: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    await billed(world, finance)
    for key in ("resident", "zhang", "service"):
        person = people[key]
        for command in ("/fees", "/pay", "/plans", "/adjust"):
            await person.sends(command)
            assert person.last_message().startswith("Sorry, only"), (key, command)
    # a finance clerk of another courtyard: her own courtyard only; forged buttons refused
    other_yard = await seed_courtyard(
        sessions, clock(), "都市A座", code="DSA", leader_id=OTHER_LEADER_ID
    )
    await grant(sessions, clock(), OTHER_FINANCE_ID, Role.FINANCE, other_yard["id"])
    other = world.person("会计小何", OTHER_FINANCE_ID, language_code="en")
    await other.sends("/fees")
    seen = "\n".join(other.texts())
    assert "都市A座" in seen
    assert "纬三路13号院" not in seen
    await other.sends("/pay")
    assert "Which building" in other.last_message()
    message = list(world.telegram.chat(OTHER_FINANCE_ID).messages.values())[-1]
    forged = Pick(p="fm", c=people["folks"].courtyard_id, s="b").pack()
    await world.feed(other.callback_update(message, forged))
    assert "only finance can do this" in other.alerts()[-1]
    # a supervisor reads every courtyard's figures, records nothing, sees no household list
    supervisor = people["supervisor"]
    await supervisor.sends("/fees")
    figures = "\n".join(supervisor.texts())
    assert "纬三路13号院" in figures
    assert "都市A座" in figures
    assert not any("Households owing" in b for b in _all_buttons(supervisor))
    shown = list(world.telegram.chat(supervisor.id).messages.values())[-1]
    forged_list = OwingList(c=people["folks"].courtyard_id, p="2026-11").pack()
    await world.feed(supervisor.callback_update(shown, forged_list))
    assert supervisor.alerts()[-1] == "Sorry, only finance or grid leaders can do this."
    await supervisor.sends("/pay")
    assert supervisor.last_message().startswith("Sorry, only finance")
    for key in ("leader", "admin"):  # they read the rates; recording is finance's
        await people[key].sends("/pay")
        assert people[key].last_message().startswith("Sorry, only finance"), key
        await people[key].sends("/adjust")
        assert people[key].last_message().startswith("Sorry, only finance"), key
    await supervisor.sends("/plans")
    await supervisor.taps("纬三路13号院")
    assert "from 2026-11: 基础服务" in supervisor.last_message()
    assert "➕ New plan" not in supervisor.buttons()
    assert await count(sessions, Payment) == 0
