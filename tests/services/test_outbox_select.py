"""`outbox.enqueue_select`: one message to everyone a query names, as one INSERT ... SELECT;
people without Telegram left out, dedupe keys skipped on a second run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from tickets_data import NEIGHBOUR_ID, RESIDENT_ID, TWO_HOMES_ID, TicketPeople

from models import OutboxMessage, User
from services import audiences, outbox
from services.audiences import Scope
from services.clock import FixedClock
from services.membership_messages import MembershipRejected

NEWS = MembershipRejected(courtyard="纬三路13号院", household="-", leader="李网格长")


async def test_one_statement_for_everyone_in_scope(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    folks: TicketPeople,
) -> None:
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(str(args[2]))

    async with sessions() as session, session.begin():
        offline = User(telegram_id=None, name="冯奶奶", created_at=clock())
        session.add(offline)
    event.listen(engine.sync_engine, "before_cursor_execute", note)
    async with sessions() as session, session.begin():
        written = await outbox.enqueue_select(
            session,
            NEWS,
            audiences.members_query(Scope.of(folks.courtyard_id, buildings=["2号楼"])),
            dedupe_prefix="test:1:",
            now=clock(),
        )
    event.remove(engine.sync_engine, "before_cursor_execute", note)
    assert written == 2  # 王阿姨 (501) and 孙先生 (602); 赵大爷 lives in 1号楼
    assert len([s for s in seen if s.lstrip().upper().startswith("INSERT")]) == 1
    async with sessions() as session:
        found = (
            await session.execute(select(OutboxMessage.user_id, OutboxMessage.dedupe_key))
        ).all()
        assert sorted(found) == sorted(
            (folks.users[t], f"test:1:u{folks.users[t]}") for t in (RESIDENT_ID, TWO_HOMES_ID)
        )
        assert folks.users[NEIGHBOUR_ID] not in {u for u, _k in found}
    async with sessions() as session, session.begin():  # again: nothing twice
        assert (
            await outbox.enqueue_select(
                session,
                NEWS,
                audiences.members_query(Scope.of(folks.courtyard_id)),
                dedupe_prefix="test:1:",
                now=clock(),
            )
            == 1  # only 赵大爷, new to this key
        )
