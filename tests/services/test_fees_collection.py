"""Collection rates on a known data set: by households and by amount, the current period apart
from arrears (owed at the period's start, recovered during it), per courtyard and in total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fees_data import FINANCE_ID, SUPERVISOR_ID, TODAY, expected_fen, grant
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID, OTHER_LEADER_ID, REPAIR_ID
from yards import ActorOf, room

from models import AdjustmentKind, PaymentMethod
from models.db import transaction
from services.access import Role
from services.clock import FixedClock
from services.errors import NotAllowed
from services.fees import adjustments, bills, collection, payments, plans

PEOPLE = {
    "A": "1号楼-1单元-101",  # paid October in October, November in November
    "B": "1号楼-1单元-202",  # paid October and November on 5 November
    "C": "1号楼-2单元-301",  # paid half of October on 20 November
    "D": "2号楼-1单元-402",  # paid both months in October (November from credit)
    "E": "2号楼-2单元-501",  # hardship waiver from November
}


async def test_both_rates_and_the_arrears_split_on_a_known_data_set(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
) -> None:
    for courtyard_id, start in ((yard["id"], "2026-10"), (other_yard["id"], "2026-11")):
        async with transaction(sessions) as session:
            await plans.create(
                session,
                None,
                courtyard_id,
                name="基础服务",
                rate="0.55",
                parking_fee="40",
                from_period=start,
                now=clock(),
            )
    async with transaction(sessions) as session:
        homes = {k: await room(session, yard["id"], v) for k, v in PEOPLE.items()}
        await adjustments.add(
            session,
            None,
            yard["id"],
            homes["E"].id,
            kind=AdjustmentKind.HARDSHIP,
            reason="低保户",
            from_period="2026-11",
            now=clock(),
        )
        everyone = [
            await room(session, yard["id"], f"{b}-{u}-{f}0{d}")
            for b in ("1号楼", "2号楼")
            for u in ("1单元", "2单元")
            for f in range(1, 7)
            for d in (1, 2)
        ]
    fee = {h.id: expected_fen(h.area_centi_m2, h.parking_spaces, "0.55", "40") for h in everyone}

    async def pay(key: str, fen: int, day: date) -> None:
        async with transaction(sessions) as session:
            await payments.record(
                session,
                None,
                yard["id"],
                homes[key].id,
                amount_fen=fen,
                method=PaymentMethod.CASH,
                paid_on=day,
                today=TODAY,
                now=clock(),
            )

    def f(key: str) -> int:
        return fee[homes[key].id]

    await bills.run_period(sessions, "2026-10", clock())
    await pay("A", f("A"), date(2026, 10, 15))
    await pay("D", 2 * f("D"), date(2026, 10, 20))
    await bills.run_period(sessions, "2026-11", clock())
    await pay("B", 2 * f("B"), date(2026, 11, 5))
    await pay("A", f("A"), date(2026, 11, 10))
    await pay("C", f("C") // 2, date(2026, 11, 20))

    async with sessions() as session:
        rows = await collection.report(session, None, "2026-11")
    by_name = {r.courtyard: r for r in rows}
    mine, other, total = by_name["纬三路13号院"], by_name["都市A座"], rows[-1]

    november_due = sum(fee.values()) - f("E")
    assert mine.households_billed == 47  # the waived household owes nothing: not billed
    assert mine.households_paid == 3  # A, B and D
    assert mine.due_fen == november_due
    assert mine.received_fen == f("A") + f("B") + f("D")
    assert mine.arrears_due_fen == sum(fee.values()) - f("A") - f("D")  # owed at 1 November
    assert mine.arrears_received_fen == f("B") + f("C") // 2
    assert mine.rate_by_households == Decimal("0.0638")  # 3 ÷ 47
    assert mine.rate_by_amount == (
        Decimal(f("A") + f("B") + f("D")) / Decimal(november_due)
    ).quantize(Decimal("0.0001"))

    assert (other.households_billed, other.households_paid, other.received_fen) == (48, 0, 0)
    assert other.rate_by_households == Decimal(0)
    assert (other.arrears_due_fen, other.arrears_received_fen) == (0, 0)

    assert total.courtyard_id is None
    assert total.households_billed == 95
    assert total.households_paid == 3
    assert total.due_fen == mine.due_fen + other.due_fen
    assert total.rate_by_households == Decimal("0.0316")  # 3 ÷ 95

    async with sessions() as session:
        october = {r.courtyard: r for r in await collection.report(session, None, "2026-10")}
        empty = await collection.report(session, None, "2027-01")
    # October: A and D paid it within October; B paid it later (November), C only half
    assert october["纬三路13号院"].households_paid == 2
    assert october["纬三路13号院"].households_billed == 48
    assert october["都市A座"].rate_by_households is None  # nothing billed: no rate at all
    assert all(r.rate_by_amount is None for r in empty)


async def test_who_sees_which_courtyards_rates(
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    yard: dict[str, Any],
    other_yard: dict[str, Any],
    actor_of: ActorOf,
) -> None:
    await grant(sessions, clock(), FINANCE_ID, Role.FINANCE, yard["id"])
    await grant(sessions, clock(), SUPERVISOR_ID, Role.SUPERVISOR, None)
    await grant(sessions, clock(), REPAIR_ID, Role.REPAIR, yard["id"])

    async def names(telegram_id: int, ids: list[int] | None = None) -> list[str]:
        actor = await actor_of(telegram_id)
        async with sessions() as session:
            rows = await collection.report(session, actor, "2026-11", ids)
        return [r.courtyard for r in rows if r.courtyard_id is not None]

    assert await names(FINANCE_ID) == ["纬三路13号院"]
    assert await names(LEADER_ID) == ["纬三路13号院"]
    assert await names(OTHER_LEADER_ID) == ["都市A座"]
    assert await names(SUPERVISOR_ID) == ["纬三路13号院", "都市A座"]
    with pytest.raises(NotAllowed):
        await names(FINANCE_ID, [other_yard["id"]])
    for outsider in (REPAIR_ID, 7777):
        with pytest.raises(NotAllowed):
            await names(outsider)


def test_every_figure_names_its_definition() -> None:
    assert set(collection.DEFINITIONS) == {
        "rate_by_households",
        "rate_by_amount",
        "arrears_due_fen",
        "arrears_received_fen",
    }
    assert collection.ratio(17, 18) == Decimal("0.9444")
    assert collection.ratio(0, 0) is None
