"""The ledger as the people of 都市A座 see it: finance books a month of income and expenses
step by step, an admin approves the large one, finance publishes the 公示 to the residents'
group, a resident asks about the lift repair line and the answer is published without her name,
and a supervisor verifies the chain (and is offered nothing to change)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from harness import Person, World
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import ADMIN_ID, LEADER_ID, seed_courtyard
from tickets_data import RESIDENT_ID, SUPERVISOR_ID, actor, seed_ticket_people

from models import GroupKind, LedgerEntry, LedgerQuestion
from models.db import transaction
from services import courtyards, roles
from services.access import Role
from services.clock import FixedClock
from services.ledger import verification

pytestmark = pytest.mark.english
FINANCE_ID = 6101
RESIDENTS_GROUP = -100446


@pytest.fixture
async def dsa(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> dict[str, Any]:
    """都市A座 with its grid leader, finance, the ticket tests' people, and its residents' group."""
    yard = await seed_courtyard(sessions, clock(), "都市A座", code="DSA")
    await seed_ticket_people(sessions, clock(), yard["id"])
    async with transaction(sessions) as session:
        clerk = await roles.user_by_telegram_id(session, FINANCE_ID, clock(), create=True)
        clerk.name = "钱会计"
        await roles.grant(session, clerk, Role.FINANCE, yard["id"], clock(), tell=False)
    leader = await actor(sessions, LEADER_ID)
    async with transaction(sessions) as session:
        await courtyards.link_group(
            session,
            leader,
            chat_id=RESIDENTS_GROUP,
            title="都市A座住户群",
            courtyard_id=yard["id"],
            kind=GroupKind.RESIDENTS,
            now=clock(),
        )
    return {
        **yard,
        "finance": world.person("钱会计", FINANCE_ID, "en"),
        "admin": world.person("服务中心", ADMIN_ID, "en"),
        "leader": world.person("李网格长", LEADER_ID, "en"),
        "resident": world.person("王阿姨", RESIDENT_ID, "en"),
        "supervisor": world.person("老周", SUPERVISOR_ID, "en"),
    }


async def book(
    finance: Person,
    kind: str,
    category: str,
    amount: str,
    who: str | None,
    what: str,
    photos: tuple[str, ...] = (),
) -> str:
    await finance.sends("/book")
    assert "income or an expense" in finance.last_message()
    await finance.taps(kind)
    await finance.taps(category)
    assert "How much" in finance.last_message()
    await finance.sends(amount)
    await finance.taps("📅 Today")
    if who is None:
        await finance.taps("⏭ Skip")
    else:
        await finance.sends(who)
    await finance.sends(what)
    for photo in photos:
        await finance.sends_photo(photo)
    await finance.taps("✅ Done" if photos else "⏭ No evidence")
    await finance.taps("⏭ Skip")  # no repair ticket
    preview = finance.last_message()
    assert "Please check the entry for 都市A座" in preview
    assert what in preview
    await finance.taps("✅ Book it")
    return finance.last_message()


async def test_a_month_booked_published_asked_answered_and_verified(
    world: World, dsa: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    finance, admin, resident = dsa["finance"], dsa["admin"], dsa["resident"]
    leader, supervisor = dsa["leader"], dsa["supervisor"]
    group = world.group(RESIDENTS_GROUP, "都市A座住户群")

    # bad input at a step is answered, and the step is asked again
    await finance.sends("/book")
    await finance.taps("💸 Expense")
    await finance.taps("Lifts")
    await finance.sends("0")
    assert "is not an amount" in finance.last_message()
    await finance.taps("✖ Cancel")

    said = await book(
        finance, "💸 Expense", "Lifts", "1280", "郑州某电梯公司", "2号电梯维修", ("invoice-1",)
    )
    assert said == "Booked as entry #1."
    said = await book(finance, "💰 Income", "Other income", "300", None, "废品回收")
    assert said == "Booked as entry #2."
    said = await book(
        finance,
        "💸 Expense",
        "Repairs and materials",
        "5000",
        "某防水公司",
        "楼顶防水",
        ("invoice-roof",),
    )
    assert "counts once an admin approves it" in said

    card = admin.last_message()
    assert "An expense waits for your approval" in card
    assert "楼顶防水" in card
    await admin.taps("📎 Invoice and files (1)")  # the invoice, before deciding
    assert admin.texts()[-1] == "#3"
    assert admin._log().messages[max(admin._log().messages)].photo[0].file_id == "invoice-roof"
    await finance.sends("/publish")
    await finance.taps("📢 Publish 2026-11")
    assert "waiting for an admin's approval" in finance.alerts()[-1]
    await admin.taps("✅ Approve #3")
    assert "approved" in admin.last_message()
    assert "服务中心 approved entry #3" in finance.last_message()

    await finance.sends("/publish")
    await finance.taps("📢 Publish 2026-11")
    assert "Income ¥300.00 · expenses ¥6,280.00 · balance -¥5,980.00" in finance.last_message()
    await finance.taps("📢 Publish")
    assert "Published 2026-11 for 都市A座 (version 1)" in finance.last_message()

    files = finance.files(group)
    assert [f.as_photo for f in files] == [True, False, False]
    assert files[0].caption is not None
    assert "Income ¥300.00" in files[0].caption
    workbook = load_workbook(io.BytesIO(files[1].data))
    totals = list(workbook.worksheets[1].iter_rows(values_only=True))[-1]
    assert (Decimal(str(totals[4])), Decimal(str(totals[5]))) == (Decimal(300), Decimal(6280))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files[2].data)).pages)
    assert "6280.00" in text

    # a resident reads the month and asks about the lift repair
    await resident.sends("/menu")
    assert "📒 Accounts" in resident.menu()
    await resident.taps("📒 Accounts")
    await resident.taps("📒 2026-11 (version 1)")
    assert [f.as_photo for f in resident.files()] == [True, False, False]
    assert "Tap ❓ to ask" in resident.last_message()
    await resident.taps("❓ #1 Lifts")
    await resident.sends("电梯修了什么？花了这么多")
    assert "without your name" in resident.last_message()
    asked = finance.last_message()
    assert "A resident asks" in asked
    assert "电梯修了什么" in asked
    assert "王阿姨" not in asked
    assert "A resident asks" in leader.last_message()

    await finance.taps("✍ Answer")
    await finance.sends("更换了2号电梯的门机皮带，发票已附。")
    assert "published with the question" in finance.last_message()
    shared = list(world.telegram.chat(RESIDENTS_GROUP).messages.values())
    answer = shared[-1].text or ""
    assert "Question and answer about the accounts" in answer
    assert "电梯修了什么" in answer
    assert "门机皮带" in answer
    assert "王阿姨" not in answer
    assert len(shared) == 4  # the picture, two files, the answer
    assert "门机皮带" in resident.last_message()

    # the supervisor reads, verifies, and is offered nothing to change
    await supervisor.sends("/ledger")
    overview = supervisor.last_message()
    assert "Accounts of 都市A座" in overview
    assert "3 entries" in overview
    assert "门机皮带" in overview
    assert not [b for b in supervisor.buttons() if "Publish" in b or "Approve" in b]
    await supervisor.taps("🔍 Verify the chain")
    assert "The accounts of 都市A座 verify: 3 entries" in supervisor.last_message()
    await supervisor.sends("/book")
    assert "Sorry, only" in supervisor.last_message()

    async with sessions() as session:
        assert (await verification.verify(session, dsa["id"])).ok
        assert await session.scalar(select(func.count()).select_from(LedgerEntry)) == 3
        assert await session.scalar(select(LedgerQuestion.answer)) is not None


async def test_finance_reverses_an_entry_with_a_reason(
    world: World, dsa: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    finance, supervisor = dsa["finance"], dsa["supervisor"]
    said = await book(finance, "💸 Expense", "Cleaning", "800", "保洁公司", "11月保洁")
    assert said == "Booked as entry #1."
    await finance.sends("/reverse 1")
    assert "/reverse 12" in finance.last_message()  # how to write it
    await finance.sends("/reverse 1 金额录错")
    assert finance.last_message() == (
        "Entry #1 is reversed by entry #2. The original stays as it was."
    )
    await finance.sends("/reverse 1 再来一次")
    assert "already been reversed" in finance.last_message()
    await supervisor.sends("/reverse 1 监督")
    assert "Sorry, only" in supervisor.last_message()
    async with sessions() as session:
        rows = (await session.execute(select(LedgerEntry.seq, LedgerEntry.reason))).all()
    assert sorted(rows) == [(1, None), (2, "金额录错")]
