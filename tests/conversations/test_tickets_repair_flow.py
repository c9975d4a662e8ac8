"""A repair from report to rating, as the people involved see it: the resident reports with
photos, the team claims it in its group, the worker fixes it, the resident confirms and rates."""

from __future__ import annotations

import pytest
from harness import Person, World
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tickets_data import (
    STAFF_GROUP,
)

from models import Event, Ticket, TicketStatus

pytestmark = pytest.mark.english


async def report_leaking_pipe(resident: Person) -> None:
    await resident.sends("/menu")
    assert "🛠 Report a repair" in resident.menu()
    await resident.taps("🛠 Report a repair")
    assert "What is the problem about?" in resident.last_message()
    await resident.taps("🚰 Water / plumbing")
    assert "describe the problem" in resident.last_message()
    await resident.sends("厨房水管漏水，地上全是水")
    assert "send up to 5 photos" in resident.last_message()
    await resident.sends_photo("photo-kitchen-1")
    assert "Photo 1 of 5 received" in resident.last_message()
    await resident.sends_photo("photo-kitchen-2")
    assert "Photo 2 of 5 received" in resident.last_message()
    await resident.taps("✅ Done")
    assert resident.buttons()[:2] == ["🏠 In my home", "🏢 Common area"]
    await resident.taps("🏠 In my home")
    await resident.taps("Normal")
    summary = resident.last_message()
    assert "Please check your repair request" in summary
    for part in ("2号楼-1单元-501", "Water / plumbing", "厨房水管漏水", "Photos: 2", "Normal"):
        assert part in summary
    await resident.taps("✅ File it")
    assert "Filed as <b>WSL-0001</b>" in resident.last_message()


async def test_report_claim_fix_confirm_and_rate(
    world: World, people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident, zhang, liu = people["resident"], people["zhang"], people["liu"]
    group = world.group(STAFF_GROUP, "维修群")
    await report_leaking_pipe(resident)

    card = zhang.last_message(group)
    assert "New repair request" in card
    assert "WSL-0001" in card
    assert "厨房水管漏水" in card
    assert zhang.buttons(group) == ["🙋 Claim", "📷 Photos (2)"]
    assert "WSL-0001" in liu.last_message()  # each worker also gets the card in private

    late_tap = liu.tap_update("🙋 Claim", chat=group)
    await zhang.taps("🙋 Claim", chat=group)
    assert "WSL-0001 is yours" in zhang.alerts()[-1]
    edited = zhang.last_message(group)
    assert "Taken by 张师傅" in edited
    assert zhang.buttons(group) == ["📷 Photos (2)"]
    await world.feed(late_tap)
    assert liu.alerts()[-1] == "张师傅 has already taken ticket WSL-0001."
    assert "张师傅 has taken your repair request WSL-0001" in resident.last_message()

    assert "You have ticket WSL-0001" in zhang.last_message()
    assert zhang.buttons() == ["▶ Start work", "⏸ On hold", "✅ Fixed it", "📷 Photos (2)"]
    await zhang.taps("📷 Photos (2)")
    assert zhang.texts()[-2:] == ["WSL-0001", "WSL-0001"]
    await zhang.taps("▶ Start work")
    assert "Work started" in zhang.last_message()
    assert "张师傅 has started work on WSL-0001" in resident.last_message()

    await zhang.taps("✅ Fixed it")
    assert "What was done on WSL-0001?" in zhang.last_message()
    await zhang.sends("换了新的水管接头")
    assert "photo of the fix" in zhang.last_message()
    await zhang.sends_photo("after-kitchen")
    assert "WSL-0001 is marked fixed" in zhang.last_message()

    fixed = resident.last_message()
    assert "张师傅 says WSL-0001 is fixed" in fixed
    assert "换了新的水管接头" in fixed
    last = list(world.telegram.chat(resident.id).messages.values())[-1]
    assert last.photo
    assert last.photo[0].file_id == "after-kitchen"
    await resident.taps("👍 Yes, fixed")
    assert "How was the repair?" in resident.last_message()
    await resident.taps("5 ⭐⭐⭐⭐⭐")
    assert "Anything to add?" in resident.last_message()
    await resident.sends("师傅很耐心，谢谢")
    assert "passed it on" in resident.last_message()
    assert zhang.texts()[-3:] == [
        "👍 The fix of WSL-0001 was confirmed. Thank you!",
        "⭐ WSL-0001 was rated: ★★★★★",
        "💬 About WSL-0001: 师傅很耐心，谢谢",
    ]

    await resident.taps("📋 My requests")
    mine = resident.last_message()
    assert "WSL-0001" in mine
    assert "closed" in mine

    async with sessions() as session:
        ticket = await session.scalar(select(Ticket))
        assert ticket is not None
        assert ticket.status is TicketStatus.CLOSED
        assert ticket.rating == 5
        assert ticket.rating_comment == "师傅很耐心，谢谢"
        actions = [
            e.action
            for e in await session.scalars(
                select(Event).where(Event.subject_type == "ticket").order_by(Event.id)
            )
        ]
    assert actions == ["filed", "claimed", "started", "resolved", "confirmed", "rated", "commented"]


async def fixed_by_zhang(world: World, people: dict[str, Person]) -> None:
    resident, zhang = people["resident"], people["zhang"]
    await report_leaking_pipe(resident)
    await zhang.taps("🙋 Claim", chat=world.group(STAFF_GROUP, "维修群"))
    await zhang.taps("✅ Fixed it")
    await zhang.sends("换了新的水管接头")
    await zhang.taps("⏭ Skip")
    assert "says WSL-0001 is fixed" in resident.last_message()


async def status_of(sessions: async_sessionmaker[AsyncSession]) -> TicketStatus:
    async with sessions() as session:
        ticket = await session.scalar(select(Ticket))
        assert ticket is not None
        return ticket.status


async def test_an_old_not_fixed_button_after_a_rating_does_not_reopen(
    world: World, people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident = people["resident"]
    await fixed_by_zhang(world, people)
    old_not_fixed = resident.tap_update("👎 Not fixed")  # on the "fixed" message
    await resident.taps("👍 Yes, fixed")
    # the message whose button was tapped shows the ticket as it is now
    assert not any("Is it fixed?" in text for text in resident.texts())
    assert any("Status: ☑️ closed" in text for text in resident.texts())
    await resident.taps("5 ⭐⭐⭐⭐⭐")
    await resident.sends("师傅很耐心")  # typed at the rating prompt: the comment
    assert "passed it on" in resident.last_message()

    await world.feed(old_not_fixed)
    assert resident.alerts()[-1] == (
        "WSL-0001 is already closed and rated ★★★★★. Nothing was changed."
    )
    assert await status_of(sessions) is TicketStatus.CLOSED
    assert "★★★★★ 师傅很耐心" in resident.last_message()  # the current details
    # reopening on purpose asks first, and "no" keeps it
    await resident.taps("👎 Not fixed after all")
    assert "Are you sure?" in resident.last_message()
    await resident.taps("👍 No, it is fine")
    assert "stays as it is" in resident.last_message()
    assert await status_of(sessions) is TicketStatus.CLOSED
    async with sessions() as session:
        actions = [e.action for e in await session.scalars(select(Event).order_by(Event.id))]
    assert "reopened" not in actions
    assert actions[-1] == "commented"


async def test_cancelling_asks_first_and_the_details_show_it_cancelled(
    world: World, people: dict[str, Person], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident = people["resident"]
    await report_leaking_pipe(resident)
    await resident.taps("📋 My requests")
    await resident.taps("WSL-0001 · 🚰 Water / plumbing")
    await resident.taps("✖ Cancel my request")
    assert resident.last_message() == "Cancel WSL-0001? Are you sure?"
    assert resident.buttons() == ["✖ Yes, cancel it", "↩ No, keep it"]
    await resident.taps("↩ No, keep it")
    assert await status_of(sessions) is TicketStatus.NEW
    await resident.taps("✖ Cancel my request")
    await resident.taps("✖ Yes, cancel it")
    assert resident.last_message() == "✖️ WSL-0001 is cancelled."
    assert await status_of(sessions) is TicketStatus.CANCELLED
    assert any("Status: ✖️ cancelled" in text for text in resident.texts())
