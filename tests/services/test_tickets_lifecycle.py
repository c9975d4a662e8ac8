"""The life of a ticket: start, hold, resume, resolve, confirm, rate; not fixed (reopen),
cancel, and closing by itself. Every change is an event; the reporter hears of each one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tickets_data import (
    NEIGHBOUR_ID,
    RESIDENT_ID,
    SERVICE_ID,
    WORKER2_ID,
    WORKER_ID,
    TicketPeople,
    actor,
)

from models import (
    Event,
    Location,
    OutboxMessage,
    Ticket,
    TicketCategory,
    TicketStatus,
    Urgency,
)
from services.clock import FixedClock
from services.errors import InvalidInput, NotAllowed
from services.policy import Policy
from services.tickets import claiming, lifecycle, reporting
from services.tickets.errors import (
    AlreadyRated,
    NotAssignee,
    NotReporter,
    ReopenTooLate,
    TicketChanged,
    TicketMovedOn,
)
from services.tickets.reporting import Draft

Act = Callable[..., Awaitable[Any]]


@pytest.fixture
def act(sessions: async_sessionmaker[AsyncSession], clock: FixedClock, policy: Policy) -> Act:
    """Run a service call as `telegram_id`, in its own transaction, as one update would."""

    async def run(
        telegram_id: int, call: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any
    ) -> Any:
        who = await actor(sessions, telegram_id)
        async with sessions() as session, session.begin():
            return await call(session, who, *args, now=clock(), policy=policy, **kwargs)

    return run


async def file(act: Act, folks: TicketPeople, label: str = "2号楼-1单元-501") -> int:
    draft = Draft(
        household_id=folks.homes[label],
        category=TicketCategory.WATER,
        urgency=Urgency.NORMAL,
        location=Location.HOME,
        description="卫生间漏水",
    )
    if label == "1号楼-1单元-101":
        filed = await act(SERVICE_ID, reporting.file_on_behalf, draft, "phone")
    else:
        filed = await act(RESIDENT_ID, reporting.file, draft)
    return int(filed.id)


async def events_of(
    sessions: async_sessionmaker[AsyncSession], ticket_id: int
) -> list[tuple[str, str | None, str | None]]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Event)
            .where(Event.subject_type == "ticket", Event.subject_id == ticket_id)
            .order_by(Event.id)
        )
        return [(e.action, e.from_state, e.to_state) for e in rows]


async def sent_to(sessions: async_sessionmaker[AsyncSession], user_id: int) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.user_id == user_id).order_by(OutboxMessage.id)
        )
        return [f"{m.kind}:{m.payload.get('action') or m.payload.get('why') or ''}" for m in rows]


async def ticket(sessions: async_sessionmaker[AsyncSession], ticket_id: int) -> Ticket:
    async with sessions() as session:
        found = await session.get(Ticket, ticket_id)
        assert found is not None
        return found


async def test_the_whole_life_of_a_ticket(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    act: Act,
    clock: FixedClock,
    policy: Policy,
) -> None:
    tid = await file(act, folks)
    clock.advance(minutes=20)
    await act(WORKER_ID, claiming.claim, tid)
    clock.advance(minutes=40)
    await act(WORKER_ID, lifecycle.start, tid)
    due_before_hold = (await ticket(sessions, tid)).resolve_due_at
    tomorrow = policy.local(clock()).date() + timedelta(days=1)
    held = await act(WORKER_ID, lifecycle.hold, tid, reason="等配件", until=tomorrow)
    assert held.status == "on_hold"
    assert held.hold_reason == "等配件"
    clock.advance(hours=10)
    await act(WORKER_ID, lifecycle.resume, tid)
    assert (await ticket(sessions, tid)).resolve_due_at == due_before_hold + timedelta(hours=10)
    clock.advance(hours=1)
    fixed = await act(WORKER_ID, lifecycle.resolve, tid, note="换了阀门", photo_file_id="after-1")
    assert fixed.status == "resolved"
    assert fixed.after_photo == "after-1"
    await act(RESIDENT_ID, lifecycle.confirm, tid)
    rated = await act(RESIDENT_ID, lifecycle.rate, tid, 5)
    await act(RESIDENT_ID, lifecycle.comment, tid, "师傅很细心")

    done = await ticket(sessions, tid)
    assert done.status is TicketStatus.CLOSED
    assert rated.rating == 5
    assert done.rating_comment == "师傅很细心"
    assert done.claim_seconds == 20 * 60
    assert done.resolve_seconds == (20 + 40 + 600 + 60) * 60
    assert done.resolved_in_time
    assert await events_of(sessions, tid) == [
        ("filed", None, "new"),
        ("claimed", "new", "claimed"),
        ("started", "claimed", "in_progress"),
        ("held", "in_progress", "on_hold"),
        ("resumed", "on_hold", "in_progress"),
        ("resolved", "in_progress", "resolved"),
        ("confirmed", "resolved", "closed"),
        ("rated", "closed", "closed"),
        ("commented", "closed", "closed"),
    ]
    assert await sent_to(sessions, folks.users[RESIDENT_ID]) == [
        "ticket.update:claimed",
        "ticket.update:started",
        "ticket.update:held",
        "ticket.update:resumed",
        "ticket.resolved:",
    ]
    worker_news = await sent_to(sessions, folks.users[WORKER_ID])
    assert worker_news[-4:] == [
        "ticket.work:claimed",
        "ticket.feedback:confirmed",
        "ticket.feedback:rated",
        "ticket.feedback:commented",
    ]


async def test_not_fixed_reopens_for_the_same_worker_with_a_fresh_deadline(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    act: Act,
    clock: FixedClock,
) -> None:
    tid = await file(act, folks)
    await act(WORKER_ID, claiming.claim, tid)
    await act(WORKER_ID, lifecycle.resolve, tid, note="紧了螺丝", photo_file_id=None)
    clock.advance(days=2)
    again = await act(RESIDENT_ID, lifecycle.reopen, tid)
    assert again.status == "reopened"
    assert again.assignee == "张师傅"
    assert again.resolve_due_at == clock() + timedelta(hours=72)
    assert (await sent_to(sessions, folks.users[WORKER_ID]))[-1] == "ticket.work:reopened"
    await act(WORKER_ID, lifecycle.resolve, tid, note="换了整根水管", photo_file_id=None)
    await act(RESIDENT_ID, lifecycle.confirm, tid)
    found = await ticket(sessions, tid)
    assert found.reopen_count == 1
    assert found.status is TicketStatus.CLOSED


async def test_reopen_only_within_seven_days_even_after_closing_by_itself(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    act: Act,
    clock: FixedClock,
    policy: Policy,
) -> None:
    tid = await file(act, folks)
    await act(WORKER_ID, claiming.claim, tid)
    await act(WORKER_ID, lifecycle.resolve, tid, note="修好了", photo_file_id=None)
    clock.advance(days=3)
    async with sessions() as session, session.begin():
        assert await lifecycle.auto_close(session, clock(), policy) == 1
    async with sessions() as session, session.begin():
        assert await lifecycle.auto_close(session, clock(), policy) == 0
    assert (await ticket(sessions, tid)).status is TicketStatus.CLOSED
    assert (await sent_to(sessions, folks.users[RESIDENT_ID]))[-1] == "ticket.autoclosed:"
    assert (await events_of(sessions, tid))[-1] == ("auto_closed", "resolved", "closed")
    clock.advance(days=4, seconds=1)
    with pytest.raises(ReopenTooLate):
        await act(RESIDENT_ID, lifecycle.reopen, tid)
    clock.advance(seconds=-2)
    assert (await act(RESIDENT_ID, lifecycle.reopen, tid)).status == "reopened"


async def test_a_resolved_ticket_waits_three_days_before_closing(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    act: Act,
    clock: FixedClock,
    policy: Policy,
) -> None:
    tid = await file(act, folks)
    await act(WORKER_ID, claiming.claim, tid)
    await act(WORKER_ID, lifecycle.resolve, tid, note="修好了", photo_file_id=None)
    clock.advance(days=3, seconds=-1)
    async with sessions() as session, session.begin():
        assert await lifecycle.auto_close(session, clock(), policy) == 0
    assert (await ticket(sessions, tid)).status is TicketStatus.RESOLVED


async def test_only_the_reporter_answers(
    sessions: async_sessionmaker[AsyncSession], folks: TicketPeople, act: Act
) -> None:
    tid = await file(act, folks)
    for stranger in (WORKER_ID, NEIGHBOUR_ID, SERVICE_ID):
        with pytest.raises(NotReporter):
            await act(stranger, lifecycle.cancel, tid)
    await act(WORKER_ID, claiming.claim, tid)
    await act(WORKER_ID, lifecycle.resolve, tid, note="修好了", photo_file_id=None)
    for stranger in (WORKER_ID, NEIGHBOUR_ID, SERVICE_ID):
        with pytest.raises(NotReporter):
            await act(stranger, lifecycle.confirm, tid)
        with pytest.raises(NotReporter):
            await act(stranger, lifecycle.reopen, tid)
    assert (await ticket(sessions, tid)).status is TicketStatus.RESOLVED


async def test_for_a_ticket_filed_on_their_behalf_the_household_answers_too(
    sessions: async_sessionmaker[AsyncSession], folks: TicketPeople, act: Act
) -> None:
    tid = await file(act, folks, "1号楼-1单元-101")
    await act(WORKER_ID, claiming.claim, tid)
    assert (await sent_to(sessions, folks.users[NEIGHBOUR_ID])) == [
        "ticket.filed_for_you:",
        "ticket.update:claimed",
    ]
    await act(WORKER_ID, lifecycle.resolve, tid, note="修好了", photo_file_id=None)
    await act(NEIGHBOUR_ID, lifecycle.confirm, tid)
    with pytest.raises(NotReporter):
        await act(RESIDENT_ID, lifecycle.rate, tid, 4)
    assert (await act(SERVICE_ID, lifecycle.rate, tid, 4)).rating == 4
    with pytest.raises(AlreadyRated):
        await act(NEIGHBOUR_ID, lifecycle.rate, tid, 5)


async def test_cancel_only_before_a_claim(
    sessions: async_sessionmaker[AsyncSession], folks: TicketPeople, act: Act
) -> None:
    tid = await file(act, folks)
    await act(WORKER_ID, claiming.claim, tid)
    with pytest.raises(TicketChanged):
        await act(RESIDENT_ID, lifecycle.cancel, tid)
    other = await file(act, folks)
    cancelled = await act(RESIDENT_ID, lifecycle.cancel, other)
    assert cancelled.status == "cancelled"
    assert (await ticket(sessions, other)).next_alert_at is None


async def test_worker_steps_belong_to_the_assignee(
    sessions: async_sessionmaker[AsyncSession], folks: TicketPeople, act: Act
) -> None:
    tid = await file(act, folks)
    with pytest.raises(NotAssignee):
        await act(WORKER_ID, lifecycle.start, tid)  # nobody has it yet
    await act(WORKER_ID, claiming.claim, tid)
    with pytest.raises(NotAssignee):
        await act(WORKER2_ID, lifecycle.resolve, tid, note="x", photo_file_id=None)
    with pytest.raises(NotAllowed):
        await act(RESIDENT_ID, lifecycle.start, tid)
    with pytest.raises(TicketChanged):
        await act(WORKER_ID, lifecycle.resume, tid)  # not on hold
    await act(WORKER_ID, lifecycle.resolve, tid, note="修好了", photo_file_id=None)
    with pytest.raises(TicketChanged):
        await act(WORKER_ID, lifecycle.resolve, tid, note="again", photo_file_id=None)
    with pytest.raises(TicketChanged):
        await act(RESIDENT_ID, lifecycle.rate, tid, 5)  # rate after confirming


async def test_bad_worker_input_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
    folks: TicketPeople,
    act: Act,
    clock: FixedClock,
    policy: Policy,
) -> None:
    tid = await file(act, folks)
    await act(WORKER_ID, claiming.claim, tid)
    today = policy.local(clock()).date()
    with pytest.raises(InvalidInput):
        await act(WORKER_ID, lifecycle.hold, tid, reason=" ", until=today)
    with pytest.raises(InvalidInput):
        await act(WORKER_ID, lifecycle.hold, tid, reason="等配件", until=today - timedelta(days=1))
    with pytest.raises(InvalidInput):
        await act(WORKER_ID, lifecycle.resolve, tid, note="", photo_file_id=None)
    assert (await ticket(sessions, tid)).status is TicketStatus.CLAIMED
    assert [a for a, _f, _t in await events_of(sessions, tid)] == ["filed", "claimed"]


async def test_a_button_shown_for_an_older_version_does_nothing(
    sessions: async_sessionmaker[AsyncSession], folks: TicketPeople, act: Act
) -> None:
    """The 👎 under the "fixed" message, tapped after 👍 and a rating: the ticket may still be
    reopened, but that button was for the resolved ticket, not for the rated one."""
    tid = await file(act, folks)
    await act(WORKER_ID, claiming.claim, tid)
    fixed = await act(WORKER_ID, lifecycle.resolve, tid, note="换了接头", photo_file_id=None)
    await act(RESIDENT_ID, lifecycle.confirm, tid, version=fixed.version)
    rated = await act(RESIDENT_ID, lifecycle.rate, tid, 5)
    with pytest.raises(TicketMovedOn) as moved:
        await act(RESIDENT_ID, lifecycle.reopen, tid, reason="还漏", version=fixed.version)
    assert moved.value.info.status is TicketStatus.CLOSED
    assert moved.value.info.rating == 5
    assert (await ticket(sessions, tid)).status is TicketStatus.CLOSED
    assert (await events_of(sessions, tid))[-1][0] == "rated"
    # the button of the rated ticket (its current version) still reopens, with a reason
    reopened = await act(RESIDENT_ID, lifecycle.reopen, tid, reason="还漏", version=rated.version)
    assert reopened.status is TicketStatus.REOPENED
    last = (await events_of(sessions, tid))[-1]
    assert last == ("reopened", "closed", "reopened")


async def test_every_change_goes_through_the_table_comment_included(
    sessions: async_sessionmaker[AsyncSession], folks: TicketPeople, act: Act
) -> None:
    tid = await file(act, folks)
    await act(WORKER_ID, claiming.claim, tid)
    await act(WORKER_ID, lifecycle.resolve, tid, note="换了接头", photo_file_id=None)
    with pytest.raises(TicketMovedOn):  # not closed yet: the table says no, not an if
        await act(RESIDENT_ID, lifecycle.comment, tid, "很好")
    await act(RESIDENT_ID, lifecycle.confirm, tid)
    with pytest.raises(AlreadyRated):  # closed, but nothing rated to comment on
        await act(RESIDENT_ID, lifecycle.comment, tid, "很好")
    await act(RESIDENT_ID, lifecycle.rate, tid, 4)
    with pytest.raises(NotReporter):
        await act(NEIGHBOUR_ID, lifecycle.comment, tid, "很好")
    await act(RESIDENT_ID, lifecycle.comment, tid, "很好")
    with pytest.raises(AlreadyRated):
        await act(RESIDENT_ID, lifecycle.comment, tid, "再说一次")
    assert (await events_of(sessions, tid))[-1] == ("commented", "closed", "closed")
