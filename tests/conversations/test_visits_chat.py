"""🚪 上门名单 in the chat: the grid leader opens the list, taps a household and what happened
at the door; the same message goes back to the list. Read in Chinese, as the leader reads it."""

from __future__ import annotations

from typing import Any

import pytest
from harness import World
from sqlalchemy import select
from tests_data import ADMIN_ID, LEADER_ID, OTHER_LEADER_ID, seed_courtyard
from tickets_data import RESIDENT_ID, TicketPeople, seed_ticket_people

from models import Household, VisitOutcome, VisitTask
from services import visits
from services.clock import FixedClock
from views.visits import VisitMark


@pytest.fixture
async def folks(world: World, courtyard: dict[str, Any], clock: FixedClock) -> TicketPeople:
    return await seed_ticket_people(world.sessions, clock(), courtyard["id"])


async def put_on_list(
    world: World, courtyard_id: int, ids: list[int], kind: str = "notice", ref: str = "7"
) -> None:
    async with world.sessions() as session, session.begin():
        await visits.add(
            session,
            courtyard_id=courtyard_id,
            kind=kind,
            ref=ref,
            household_ids=ids,
            reason="unreachable",
            now=world.clock(),
        )


def name_notices(world: World) -> None:
    """What the notices feature will register through its Feature entry."""
    world.dispatcher["visit_kinds"] = {"notice": lambda ref, _gettext: f"停水通知 #{ref}"}


async def three_homes(world: World, folks: TicketPeople) -> list[int]:
    homes = ["2号楼-1单元-501", "1号楼-1单元-101", "1号楼-2单元-201"]
    ids = [folks.homes[label] for label in homes]
    await put_on_list(world, folks.courtyard_id, ids)
    return ids


async def test_the_leader_marks_a_household_told_in_two_taps(
    world: World, folks: TicketPeople
) -> None:
    name_notices(world)
    await three_homes(world, folks)
    leader = world.person("李网格长", LEADER_ID)

    await leader.sends("🚪 上门名单")

    assert leader.last_message().splitlines() == [
        "🚪 上门名单 · 纬三路13号院：共 3 户",
        "① 停水通知 #7（3 户）",
        "上门后，点一下那一户，登记结果。",
    ]
    assert leader.buttons() == [
        "① 1号楼-1单元-101 · 赵大爷",
        "① 1号楼-2单元-201 · 孙先生",
        "① 2号楼-1单元-501 · 王阿姨",
    ]

    await leader.taps("① 2号楼-1单元-501 · 王阿姨")

    assert leader.last_message().splitlines() == [
        "🏠 <b>2号楼-1单元-501</b>",
        "👤 王阿姨",
        "要告知：停水通知 #7",
        "原因：在 Telegram 上联系不到",
        "上门结果怎样？",
    ]
    assert leader.buttons() == ["✅ 已告知", "🚪 不在家", "✖ 拒绝", "↩ 返回"]

    await leader.taps("✅ 已告知")

    shown = leader.last_message()
    assert shown.startswith(
        "✅ 已告知：2号楼-1单元-501，已登记。\n\n🚪 上门名单 · 纬三路13号院：共 2 户"
    )
    assert "王阿姨" not in " ".join(leader.buttons())
    assert leader.alerts() == ["✅ 已告知 · 2号楼-1单元-501"]
    assert len(leader.texts()) == 1  # one message all along, edited in place
    async with world.sessions() as session:
        assert await visits.counts(session, "notice", "7") == (2, 1)


async def test_not_home_stays_on_the_list_and_shows_the_try(
    world: World, folks: TicketPeople
) -> None:
    name_notices(world)
    await three_homes(world, folks)
    leader = world.person("李网格长", LEADER_ID)
    await leader.sends("/visits")
    await leader.taps("① 1号楼-1单元-101 · 赵大爷")

    await leader.taps("🚪 不在家")

    assert leader.last_message().startswith(
        "🚪 1号楼-1单元-101：不在家，留在名单上，下次再去。\n\n🚪 上门名单 · 纬三路13号院：共 3 户"
    )
    # the households not tried yet come first
    assert leader.buttons()[-1] == "① 1号楼-1单元-101 · 赵大爷 · 不在家 ×1"

    await leader.taps("① 1号楼-1单元-101 · 赵大爷 · 不在家 ×1")

    assert "已上门 1 次，上次：🚪 不在家，" in leader.last_message()


async def test_a_second_tap_on_a_recorded_visit_is_refused_kindly(
    world: World, folks: TicketPeople
) -> None:
    await three_homes(world, folks)
    leader = world.person("李网格长", LEADER_ID)
    await leader.sends("🚪 上门名单")
    await leader.taps("① 2号楼-1单元-501 · 王阿姨")
    card = list(world.telegram.chat(LEADER_ID).messages.values())[-1]
    async with world.sessions() as session:
        task_id = await session.scalar(
            select(VisitTask.id).where(VisitTask.household_id == folks.homes["2号楼-1单元-501"])
        )
    assert task_id is not None
    await leader.taps("✖ 拒绝")

    # the same button again, from a copy of the card shown before (a double tap)
    await world.feed(
        leader.callback_update(card, VisitMark(t=task_id, o=VisitOutcome.TOLD, p=0).pack())
    )

    assert leader.alerts()[-1] == "2号楼-1单元-501 已由 李网格长 登记过了。"
    async with world.sessions() as session:
        stored = await session.get(VisitTask, task_id)
        assert stored is not None
        assert stored.outcome is VisitOutcome.REFUSED


async def test_a_kind_nobody_named_shows_as_is_and_a_long_list_has_pages(
    world: World, folks: TicketPeople
) -> None:
    async with world.sessions() as session:
        ids = list(
            await session.scalars(
                select(Household.id)
                .where(Household.courtyard_id == folks.courtyard_id)
                .order_by(Household.id)
                .limit(20)
            )
        )
    await put_on_list(world, folks.courtyard_id, ids, kind="meter-reading", ref="2026-12")
    leader = world.person("李网格长", LEADER_ID)

    await leader.sends("🚪 上门名单")

    assert "① meter-reading 2026-12（20 户）" in leader.last_message()
    assert leader.buttons()[-2:] == ["1/3", "▶"]
    assert len(leader.buttons()) == 8 + 2

    await leader.taps("▶")
    await leader.taps("▶")

    assert leader.buttons()[-2:] == ["◀", "3/3"]
    assert len(leader.buttons()) == 4 + 2


async def test_a_resident_cannot_open_the_visit_list(world: World, folks: TicketPeople) -> None:
    await three_homes(world, folks)
    resident = world.person("王阿姨", RESIDENT_ID)

    await resident.sends("/visits")

    assert "只有" in resident.last_message()
    assert "2号楼-1单元-501" not in resident.last_message()


async def test_when_everyone_is_visited_the_list_says_thank_you(
    world: World, folks: TicketPeople
) -> None:
    await put_on_list(world, folks.courtyard_id, [folks.homes["2号楼-1单元-501"]])
    leader = world.person("李网格长", LEADER_ID)
    await leader.sends("🚪 上门名单")
    await leader.taps("① 2号楼-1单元-501 · 王阿姨")

    await leader.taps("✅ 已告知")

    assert leader.last_message() == (
        "✅ 已告知：2号楼-1单元-501，已登记。\n\n🚪 纬三路13号院：没有要上门的住户了。辛苦了！"
    )
    assert leader.buttons() == []


async def test_the_service_center_picks_a_courtyard_first(
    world: World, folks: TicketPeople, clock: FixedClock
) -> None:
    await seed_courtyard(world.sessions, clock(), "都市A座", code="DSA", leader_id=OTHER_LEADER_ID)
    await three_homes(world, folks)
    admin = world.person("服务中心", ADMIN_ID)

    await admin.sends("🚪 上门名单")

    assert admin.last_message() == "🚪 上门名单：哪个楼院？"
    assert admin.buttons() == ["纬三路13号院", "都市A座"]

    await admin.taps("纬三路13号院")

    assert admin.last_message().startswith("🚪 上门名单 · 纬三路13号院：共 3 户")
    assert len(admin.buttons()) == 3
