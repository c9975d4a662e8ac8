"""Each role's view of tickets in the chat: the worker's list and hold, the leader's /tickets,
/stats, /assign and /deadline, the supervisor's figures for all courtyards; and taps by people
who may not: each gets a clear answer and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from harness import World
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tickets_data import (
    RESIDENT_ID,
    STAFF_GROUP,
    actor,
)

from models import Location, Ticket, TicketCategory, TicketDeadline, TicketStatus, Urgency
from services.clock import FixedClock
from services.tickets import reporting
from services.tickets.queries import PAGE_SIZE
from services.tickets.reporting import Draft
from services.tickets.transitions import TicketAction
from views.tickets.callbacks import Step

pytestmark = pytest.mark.english


async def file(
    world: World,
    folks: Any,
    category: TicketCategory = TicketCategory.WATER,
    urgency: Urgency = Urgency.NORMAL,
) -> int:
    resident = await actor(world.sessions, RESIDENT_ID)
    async with world.sessions() as session, session.begin():
        filed = await reporting.file(
            session,
            resident,
            Draft(
                household_id=folks.homes["2号楼-1单元-501"],
                category=category,
                urgency=urgency,
                location=Location.HOME,
                description="水龙头关不上",
            ),
            world.clock(),
            world.policy,
        )
    await world.deliver()
    return filed.id


async def status(sessions: async_sessionmaker[AsyncSession], ticket_id: int) -> TicketStatus:
    async with sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket.status


async def test_the_worker_lists_claims_and_puts_on_hold(
    world: World, people: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    zhang, resident = people["zhang"], people["resident"]
    tid = await file(world, people["folks"])
    await zhang.sends("/menu")
    assert "🔧 My tickets" in zhang.menu()
    await zhang.taps("🔧 My tickets")
    listed = zhang.last_message()
    assert "You have no open tickets" in listed
    assert "Waiting to be taken" in listed
    await zhang.taps("🙋 Claim WSL-0001")
    assert "WSL-0001 is yours" in zhang.alerts()[-1]
    await zhang.taps("⏸ On hold")
    assert "Why is WSL-0001 on hold?" in zhang.last_message()
    await zhang.sends("等配件")
    await zhang.taps("Tomorrow")
    assert "WSL-0001 is on hold until 2026-11-29" in zhang.last_message()
    told = resident.last_message()
    assert "WSL-0001 is on hold" in told
    assert "等配件, expected by 2026-11-29" in told
    assert await status(sessions, tid) is TicketStatus.ON_HOLD

    await zhang.taps("🔧 My tickets")
    assert "WSL-0001" in zhang.last_message()
    assert "on hold" in zhang.last_message()
    await zhang.taps("WSL-0001 · 🚰 Water / plumbing")
    assert zhang.buttons()[:2] == ["▶ Resume work", "⏸ New date"]
    await zhang.taps("▶ Resume work")
    assert "Work resumed" in zhang.last_message()
    assert "Work on WSL-0001 has resumed" in resident.last_message()
    assert await status(sessions, tid) is TicketStatus.IN_PROGRESS


async def test_the_leader_looks_assigns_and_sets_deadlines(
    world: World,
    people: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    leader, liu = people["leader"], people["liu"]
    await file(world, people["folks"])
    clock.advance(hours=1)
    await file(world, people["folks"], TicketCategory.ELEVATOR, Urgency.URGENT)
    clock.advance(hours=1)  # the urgent one is past its 30 minutes
    await leader.sends("/tickets")
    board = leader.last_message()
    assert "Open tickets in 纬三路13号院: 2" in board
    assert "Overdue: 1" in board
    assert board.index("WSL-0002") < board.index("WSL-0001")
    await leader.sends("/assign WSL-0002")
    assert leader.buttons() == ["刘师傅", "张师傅"]
    await leader.taps("刘师傅")
    assert "WSL-0002 is now with 刘师傅" in leader.last_message()
    assert "李网格长 gave you ticket WSL-0002" in liu.last_message()

    await leader.sends("/stats")
    figures = leader.last_message()
    assert "Repairs in 纬三路13号院" in figures
    assert "filed 2" in figures
    assert "median time to take: 1 h" in figures
    await leader.sends("📊 Repair figures")  # the button: no need to know the command
    assert leader.last_message() == figures

    await leader.sends("/deadline elevator urgent 15m 12h")
    assert leader.texts()[-2] == "✅ Saved. New tickets will use it."
    assert "Elevator, 🚨 Urgent: take within 15 min, fix within 12 h" in leader.last_message()
    async with sessions() as session:
        [row] = (await session.scalars(select(TicketDeadline))).all()
    assert (row.claim_minutes, row.resolve_minutes) == (15, 12 * 60)
    await leader.sends("/deadline elevator sometime 15m 12h")
    assert "Write it like: /deadline elevator urgent 15m 12h" in leader.last_message()


async def test_the_supervisor_reads_all_courtyards_and_changes_nothing(
    world: World, people: dict[str, Any]
) -> None:
    supervisor = people["supervisor"]
    await file(world, people["folks"])
    await supervisor.sends("/stats")
    assert supervisor.buttons()[0] == "All courtyards"
    await supervisor.taps("All courtyards")
    assert "Repairs in all courtyards" in supervisor.last_message()
    await supervisor.sends("/ticket WSL-0001")
    assert "水龙头关不上" in supervisor.last_message()
    shown = list(world.telegram.chat(supervisor.id).messages.values())[-1]
    assert shown.reply_markup is None  # reading only: no buttons
    await supervisor.sends("/assign WSL-0001")
    assert supervisor.last_message().startswith("Sorry, only")


async def test_people_who_may_not_get_a_clear_answer(
    world: World, people: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident, zhang, service = people["resident"], people["zhang"], people["service"]
    group = world.group(STAFF_GROUP, "维修群")
    tid = await file(world, people["folks"])

    # a resident somehow taps Claim on the team's card
    card = next(
        m
        for m in world.telegram.chat(STAFF_GROUP).messages.values()
        if m.reply_markup and m.text and "WSL-0001" in m.text
    )
    claim = card.reply_markup.inline_keyboard[0][0].callback_data
    await world.feed(resident.callback_update(card, claim))
    assert resident.alerts()[-1] == "Sorry, only the repair team can do this."
    await world.feed(service.callback_update(card, claim))
    assert service.alerts()[-1] == "Sorry, only the repair team can do this."
    assert await status(sessions, tid) is TicketStatus.NEW

    # residents do not see the team's lists, nor others' tickets
    await resident.sends("/tickets")
    assert resident.last_message().startswith("Sorry, only")
    await people["supervisor"].sends("/ticket WSL-0001")
    stranger_view = world.person("路人", 9009, language_code="en")
    await stranger_view.sends("/ticket WSL-0001")
    assert "could not be found" in stranger_view.last_message()

    await zhang.taps("🙋 Claim", chat=group)
    await zhang.taps("✅ Fixed it")
    await zhang.sends("修好了")
    await zhang.taps("⏭ Skip")
    assert "says WSL-0001 is fixed" in resident.last_message()

    # the worker taps the resident's 👍 (a forwarded button, say)
    fixed = next(
        m for m in reversed(world.telegram.chat(resident.id).messages.values()) if m.reply_markup
    )
    yes = fixed.reply_markup.inline_keyboard[0][0].callback_data
    await world.feed(zhang.callback_update(fixed, yes))
    assert zhang.alerts()[-1] == "Only the person who reported ticket WSL-0001 can do this."
    assert await status(sessions, tid) is TicketStatus.RESOLVED
    # and another worker taps the worker's step
    work = next(
        m
        for m in world.telegram.chat(zhang.id).messages.values()
        if m.text and "You have ticket WSL-0001" in m.text
    )
    liu = people["liu"]
    version = int(work.reply_markup.inline_keyboard[0][0].callback_data.split(":")[3])
    step = Step(a=TicketAction.RESOLVE, t=tid, v=version, ok=False)
    await world.feed(liu.callback_update(work, step.pack()))
    assert liu.alerts()[-1] == "Only the person who has ticket WSL-0001 can do this."


async def test_a_cancelled_request_cannot_be_claimed(
    world: World, people: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    resident, liu = people["resident"], people["liu"]
    group = world.group(STAFF_GROUP, "维修群")
    tid = await file(world, people["folks"])
    late_tap = liu.tap_update("🙋 Claim", chat=group)
    await resident.sends("/menu")
    await resident.taps("📋 My requests")
    assert "Waiting for a worker to take it" in resident.last_message()
    await resident.taps("WSL-0001 · 🚰 Water / plumbing")
    await resident.taps("✖ Cancel my request")
    assert resident.last_message() == "Cancel WSL-0001? Are you sure?"
    assert await status(sessions, tid) is TicketStatus.NEW  # one tap is not enough
    await resident.taps("✖ Yes, cancel it")
    assert resident.last_message() == "✖️ WSL-0001 is cancelled."
    assert "cancelled" in liu.last_message(group)
    assert liu.buttons(group) == []
    await world.feed(late_tap)
    assert liu.alerts()[-1] == "Ticket WSL-0001 was cancelled by the person who reported it."
    assert await status(sessions, tid) is TicketStatus.CANCELLED


async def test_menus_and_help_show_each_role_its_ticket_buttons(people: dict[str, Any]) -> None:
    expected = {
        "resident": (["🛠 Report a repair", "📋 My requests"], "🛠 Report a repair: tell"),
        "zhang": (["🔧 My tickets"], "🔧 My tickets: your tickets"),
        "leader": (["📞 File for a resident", "🗂 Open tickets"], "/stats: repair figures"),
        "service": (["📞 File for a resident", "🗂 Open tickets"], "/ticket WSL-0001"),
        "supervisor": (["🗂 Open tickets"], "/tickets: open repair tickets"),
    }
    for name, (buttons, line) in expected.items():
        person = people[name]
        await person.sends("/help")
        assert line in person.last_message(), name
        for button in buttons:
            assert button in person.menu(), (name, button)
    assert "🔧 My tickets" not in people["resident"].menu()
    assert "🛠 Report a repair" not in people["zhang"].menu()
    await people["zhang"].sends("/deadline all urgent 10m 6h")
    assert people["zhang"].last_message().startswith("Sorry, only")


async def test_long_ticket_lists_are_one_message_with_pages(
    world: World, people: dict[str, Any]
) -> None:
    leader, resident = people["leader"], people["resident"]
    for _ in range(PAGE_SIZE + 2):
        await file(world, people["folks"])
    await leader.sends("/tickets")
    board = leader.last_message()
    count = len(leader.texts())
    assert f"Open tickets in 纬三路13号院: {PAGE_SIZE + 2}" in board
    assert "WSL-0001" in board
    assert f"WSL-{PAGE_SIZE + 1:04d}" not in board
    assert leader.buttons()[-2:] == ["1/2", "▶"]
    await leader.taps("▶")
    assert len(leader.texts()) == count  # the same message, now the second page
    second = leader.last_message()
    assert f"WSL-{PAGE_SIZE + 1:04d}" in second
    assert "WSL-0001 " not in second
    assert leader.buttons()[-2:] == ["◀", "2/2"]
    await leader.taps("◀")
    assert "WSL-0001" in leader.last_message()

    await resident.sends("/menu")
    await resident.taps("📋 My requests")
    assert resident.buttons()[-2:] == ["1/2", "▶"]
    await resident.taps("▶")
    assert resident.buttons()[-2:] == ["◀", "2/2"]
