"""Fee reminders as residents and finance see them, driven by the scheduler's jobs and a set
clock: the bill notice in the morning, a resident answering it (the service, difficulties,
forgot) with a few typed words, the pause a dispute puts on the reminders until finance
resumes them, and the formal notice with its printable PDF."""

from __future__ import annotations

from typing import Any

import pytest
from fee_reminders_data import FINANCE_ID, bill_december, grant, local
from harness import Person, World
from sqlalchemy import select

from models import Event, FeeReminder, ReminderAnswer, ReminderStage
from scheduler.fees import fee_bill_run, fee_reminders
from scheduler.jobs import JobContext
from services.access import Role
from services.clock import FixedClock
from services.policy import Policy

pytestmark = pytest.mark.english

DISPUTE = "🛠 I am not satisfied with the service"


@pytest.fixture
def context(world: World, policy: Policy) -> JobContext:
    return JobContext(
        sessions=world.sessions, clock=world.clock, policy=policy, after_commit=world.sender.notify
    )


@pytest.fixture
async def finance(world: World, people: dict[str, Any], clock: FixedClock) -> Person:
    await grant(world.sessions, clock(), FINANCE_ID, Role.FINANCE, people["folks"].courtyard_id)
    return world.person("财务小王", FINANCE_ID, language_code="en")


async def run(world: World, context: JobContext) -> int:
    """The sweep twice (a restart, a second scheduler): the second writes nothing."""
    written = await fee_reminders(context)
    assert await fee_reminders(context) == 0
    await world.deliver_all()
    return written


async def billed(world: World, people: dict[str, Any], context: JobContext) -> None:
    """December billed at 00:05 on the 1st; the notices arrive at 08:00."""
    await bill_december(world.sessions, world.clock, people["folks"].courtyard_id)
    await world.deliver_all()


def count(person: Person, text: str) -> int:
    return sum(text in t for t in person.texts())


async def test_the_notice_arrives_in_the_morning_with_the_breakdown_and_answer_buttons(
    world: World, people: dict[str, Any], finance: Person, context: JobContext
) -> None:
    await billed(world, people, context)
    resident = people["resident"]
    assert count(resident, "Your bill for 2026/12") == 0  # the bill run writes no notice itself
    await fee_reminders(context)
    await world.deliver_all()
    notice = resident.last_message()
    assert "<b>Your bill for 2026/12</b>: 2号楼-1单元-501, 纬三路13号院" in notice
    # 72.60 m² × ¥0.50 + 1 space × ¥40, reckoned by hand
    assert "Property fee: 72.60 m² × ¥0.50 per m²\nParking space fee: 1 × ¥40.00" in notice
    assert "Amount: ¥76.30" in notice
    assert "Please pay by 2026/12/31." in notice
    assert world.clock() >= local(2026, 12, 1, 8, 0)  # waited for the morning
    assert resident.buttons() == [
        "🙂 I forgot",
        "🤝 I have difficulties",
        DISPUTE,
        "🏠 I have moved out",
        "✏️ Something else",
    ]
    # 孙先生 owns two homes: a notice for each
    assert count(people["sun"], "Your bill for 2026/12") == 2
    # the 44 households nobody can reach are on the grid leader's visit list instead
    leader = people["leader"]
    await leader.sends("/visits")
    assert "① Property fees of 2026/12 (44 households)" in leader.last_message()


async def test_a_dispute_pauses_the_reminders_until_finance_resumes_them(
    world: World, people: dict[str, Any], finance: Person, context: JobContext, clock: FixedClock
) -> None:
    await billed(world, people, context)
    await run(world, context)
    resident, leader = people["resident"], people["leader"]
    await resident.taps(DISPUTE)
    assert "are paused while finance and your grid leader look into it" in resident.last_message()
    await resident.sends("楼道灯坏了三个月没人修")
    assert resident.last_message() == "Thank you, we have passed it on."
    told = finance.last_message()
    assert "王阿姨 (2号楼-1单元-501, 纬三路13号院) answered the reminder for 2026/12" in told
    assert "In their words: 楼道灯坏了三个月没人修" in told
    assert finance.buttons() == ["▶️ Resolved: remind again"]
    assert count(leader, "answered the reminder for 2026/12") == 2  # the answer, then the words
    assert "▶️ Resolved: remind again" not in leader.buttons()

    clock.now = local(2026, 12, 15, 9)
    await run(world, context)
    assert count(resident, "A friendly reminder") == 0
    assert count(people["neighbour"], "A friendly reminder") == 1

    await finance.taps("▶️ Resolved: remind again")
    assert "Reminders for 2号楼-1单元-501 for 2026/12 go on again." in finance.last_message()
    clock.now = local(2026, 12, 16, 9)
    await run(world, context)
    assert count(resident, "A friendly reminder: the bill for 2026/12 of 2号楼-1单元-501") == 1
    async with world.sessions() as session:
        actions = list(await session.scalars(select(Event.action).order_by(Event.id)))
    assert actions.count("reminder_answered") == 1
    assert actions.count("reminder_note") == 1
    assert actions.count("reminder_pause_lifted") == 1


async def test_difficulties_reach_finance_only_and_forgot_reaches_nobody(
    world: World, people: dict[str, Any], finance: Person, context: JobContext
) -> None:
    await billed(world, people, context)
    await run(world, context)
    leader = people["leader"]
    before = len(leader.texts())
    await people["resident"].taps("🤝 I have difficulties")
    assert "nobody else sees this" in people["resident"].last_message()
    await people["resident"].taps("No, that is all")
    assert "answered the reminder for 2026/12" in finance.last_message()
    assert "Please contact them privately." in finance.last_message()
    assert len(leader.texts()) == before
    seen = len(finance.texts())
    await people["neighbour"].taps("🙂 I forgot")
    assert "Thank you! Please pay when it suits you" in people["neighbour"].last_message()
    assert len(finance.texts()) == seen
    async with world.sessions() as session:
        rows = await session.execute(
            select(FeeReminder.household_id, FeeReminder.answer).where(
                FeeReminder.answer.is_not(None)
            )
        )
        answers = dict(list(rows.tuples()))
    folks = people["folks"]
    assert answers == {
        folks.homes["2号楼-1单元-501"]: ReminderAnswer.HARDSHIP,
        folks.homes["1号楼-1单元-101"]: ReminderAnswer.FORGOT,
    }


async def test_someone_else_cannot_answer_a_households_reminder(
    world: World, people: dict[str, Any], finance: Person, context: JobContext
) -> None:
    await billed(world, people, context)
    await run(world, context)
    resident, stranger = people["resident"], people["stranger"]
    message = next(m for m in world.telegram.chat(resident.id).messages.values() if m.reply_markup)
    data = message.reply_markup.inline_keyboard[0][0].callback_data  # type: ignore[union-attr]
    assert data is not None
    await world.feed(stranger.callback_update(message, data))
    assert stranger.alerts() == ["This reminder is for another household."]
    async with world.sessions() as session:
        assert (
            await session.scalar(select(FeeReminder.id).where(FeeReminder.answer.is_not(None)))
            is None
        )


async def test_the_formal_notice_comes_with_a_printable_pdf_and_finance_gets_the_list(
    world: World, people: dict[str, Any], finance: Person, context: JobContext, clock: FixedClock
) -> None:
    await billed(world, people, context)
    for when in (local(2026, 12, 1, 9), local(2026, 12, 15), local(2027, 1, 5), local(2027, 2, 1)):
        clock.now = when
        await run(world, context)
    clock.now = local(2027, 3, 1, 0, 5)  # the bill run of March, at night
    await fee_bill_run(context)
    await world.deliver_all()
    resident = people["resident"]
    notice = next(t for t in resident.texts() if "Written notice to pay" in t)
    assert "¥" in notice
    assert "by 2027/3/8" in notice
    assert "mediation or arbitration, or bring a claim in court" in notice
    (pdf,) = [f for f in resident.files() if f.filename.endswith(".pdf")]
    assert pdf.data.startswith(b"%PDF")
    (listing,) = [f for f in finance.files() if f.filename.endswith(".pdf")]
    assert listing.data.startswith(b"%PDF")
    told = next(t for t in finance.texts() if "Written notices to pay" in t)
    assert "48 household(s), deadline 2027/3/8" in told
    assert "(not on Telegram: please deliver on paper)" in told
    async with world.sessions() as session:
        stages = set(await session.scalars(select(FeeReminder.stage)))
    assert stages == set(ReminderStage)
