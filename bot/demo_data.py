"""Invented demo data: the courtyards named in the story, with made-up buildings, rooms, areas
and people. Nothing here describes real households."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import demo_features
from bot.demo_features import DemoPlan
from models import GroupKind, Household, Relation
from services import courtyards, membership, people, roles
from services.access import Role
from services.errors import NotFound
from services.policy import Policy


@dataclass(frozen=True)
class DemoPerson:
    telegram_id: int
    name: str
    role: Role | None = None
    courtyard: str | None = None  # None with a role: all courtyards
    home: tuple[str, str, str, str] | None = None  # courtyard, building, unit, room


WSL, DSA, WHL = "纬三路13号院", "都市A座", "文化路5号院"
COURTYARDS = [
    (WSL, "WSL", "金水区纬三路13号"),
    (DSA, "DSA", "金水区都市路A座"),
    (WHL, "WHL", "金水区文化路5号"),
]
PEOPLE = [
    DemoPerson(910001, "周主任（服务中心）", Role.ADMIN),
    DemoPerson(910002, "李网格长", Role.GRID_LEADER, WSL),
    DemoPerson(910003, "陈网格长", Role.GRID_LEADER, DSA),
    DemoPerson(910004, "张师傅（维修）", Role.REPAIR),
    DemoPerson(910005, "刘客服", Role.CUSTOMER_SERVICE),
    DemoPerson(910006, "王阿姨", home=(WSL, "2号楼", "1单元", "501")),
    DemoPerson(910007, "赵大爷", home=(WSL, "1号楼", "2单元", "302")),
    DemoPerson(910008, "小林（租户）", home=(DSA, "A座", "", "1205")),
    DemoPerson(910009, "孙会计（财务）", Role.FINANCE),
]
FEE_PLANS = (
    DemoPlan(WSL, "2026年物业费（含门岗）", "0.45", "40", paid_share=8, households=96),
    DemoPlan(DSA, "2026年物业费", "0.60", "0", paid_share=6, households=20),
    DemoPlan(WHL, "2026年物业费", "0.38", "30", paid_share=8, households=20),
)
FINANCE_TG = 910009
OWING = "王阿姨"  # her statement shows the demo's arrears
PAID_UP = "赵大爷"
STAFF_GROUP = "纬三路13号院 工作群"
RESIDENTS_GROUP = "纬三路13号院 居民群"


def households(name: str, courtyard_id: int) -> Iterator[Household]:
    """Invented registries: 192 rooms at 纬三路13号院, 446 at 都市A座, 72 at 文化路5号院."""
    if name == WSL:
        for b in range(1, 5):
            for u in (1, 2):
                for floor in range(1, 7):
                    for door in range(1, 5):
                        yield Household(
                            courtyard_id=courtyard_id,
                            building=f"{b}号楼",
                            unit=f"{u}单元",
                            room=f"{floor}0{door}",
                            area_centi_m2=5200 + 900 * (door % 3) + 35 * floor,
                            parking_spaces=1 if door == 1 else 0,
                        )
    elif name == DSA:
        count = 0
        for floor in range(2, 32):
            for door in range(1, 16):
                if count == 446:
                    return
                count += 1
                yield Household(
                    courtyard_id=courtyard_id,
                    building="A座",
                    unit="",
                    room=f"{floor}{door:02d}",
                    area_centi_m2=3850 + 120 * (door % 4),
                )
    else:
        for b in (1, 2):
            for u in (1, 2, 3):
                for floor in range(1, 7):
                    for door in (1, 2):
                        yield Household(
                            courtyard_id=courtyard_id,
                            building=f"{b}号楼",
                            unit=f"{u}单元",
                            room=f"{floor}0{door}",
                            area_centi_m2=7600 + 410 * door,
                        )


async def seed(session: AsyncSession, now: datetime) -> dict[str, str]:
    """Create what is missing (safe to run at every start). Returns invite codes by courtyard."""
    ids: dict[str, int] = {}
    invites: dict[str, str] = {}
    for name, code, address in COURTYARDS:
        try:
            courtyard = await courtyards.by_name(session, name)
        except NotFound:
            courtyard = await courtyards.create_courtyard(
                session, name, now, address=address, code=code
            )
            session.add_all(households(name, courtyard.id))
            await session.flush()
        ids[name] = courtyard.id
        invites[name] = courtyard.invite_code
    users = {}
    for person in PEOPLE:
        user = await roles.user_by_telegram_id(session, person.telegram_id, now, create=True)
        user.name = person.name
        users[person.telegram_id] = user
        if person.role is not None:
            scope = ids[person.courtyard] if person.courtyard else None
            await roles.grant(session, user, person.role, scope, now)
    # the service center registers the demo residents, as a grid leader would
    center = await people.load_actor(session, users[PEOPLE[0].telegram_id], channel="demo")
    for person in PEOPLE:
        if person.home is not None:
            courtyard_name, building, unit, room = person.home
            home = await session.scalar(
                select(Household).where(
                    Household.courtyard_id == ids[courtyard_name],
                    Household.building == building,
                    Household.unit == unit,
                    Household.room == room,
                )
            )
            assert home is not None
            with contextlib.suppress(membership.AlreadyMember):
                await membership.register(
                    session,
                    center,
                    household_id=home.id,
                    name=person.name,
                    relation=Relation.OWNER,
                    telegram_id=person.telegram_id,
                    now=now,
                )
    return invites


async def _home_of(session: AsyncSession, person: DemoPerson) -> tuple[str, int]:
    assert person.home is not None
    courtyard_name, building, unit, room = person.home
    courtyard = await courtyards.by_name(session, courtyard_name)
    home = await session.scalar(
        select(Household.id).where(
            Household.courtyard_id == courtyard.id,
            Household.building == building,
            Household.unit == unit,
            Household.room == room,
        )
    )
    assert home is not None
    return courtyard_name, home


async def seed_features(session: AsyncSession, now: datetime, policy: Policy) -> bool:
    """The features' demo data (once; after the groups are linked, so they get the posts)."""
    by_name = {p.name: p for p in PEOPLE}
    owing_at, owing_home = await _home_of(session, by_name[OWING])
    paid_at, paid_home = await _home_of(session, by_name[PAID_UP])
    return await demo_features.seed_features(
        session,
        now,
        policy,
        demo_plans=FEE_PLANS,
        owing={owing_at: frozenset({owing_home})},
        paid_up={paid_at: frozenset({paid_home})},
        leader_tg=PEOPLE[1].telegram_id,
        clerk_tg=FINANCE_TG,
        admin_tg=PEOPLE[0].telegram_id,
        home_courtyard=WSL,
    )


async def link_groups(
    session: AsyncSession, courtyard_name: str, staff_chat: int, residents_chat: int, now: datetime
) -> None:
    courtyard = await courtyards.by_name(session, courtyard_name)
    admin = await roles.user_by_telegram_id(session, PEOPLE[0].telegram_id, now, create=False)
    actor = await people.load_actor(session, admin, channel="demo")
    for chat_id, title, kind in (
        (staff_chat, STAFF_GROUP, GroupKind.STAFF),
        (residents_chat, RESIDENTS_GROUP, GroupKind.RESIDENTS),
    ):
        await courtyards.link_group(
            session,
            actor,
            chat_id=chat_id,
            title=title,
            courtyard_id=courtyard.id,
            kind=kind,
            now=now,
        )
