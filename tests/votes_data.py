"""Invented sample data for the vote tests: 纬三路13号院 with 200 households in 4 buildings
(areas, owners, phones and people all made up), each with one resident on Telegram who owns
it, a few tenants, and its grid leader and the service center's admin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import BallotChannel, Household, Membership, MembershipStatus, Relation, User
from services import courtyards, roles
from services.access import Actor, Grant, Role
from services.clock import FixedClock
from services.policy import Policy
from services.votes import casting, drafting
from services.votes.drafting import OptionDraft, VoteDraft

LEADER_TG = 5001
ADMIN_TG = 5002
OTHER_LEADER_TG = 5004
RESIDENT_TG = 700000  # + index of the household
TENANT_TG = 800000  # + index: tenants live in the first TENANTS households
TENANTS = 5
BUILDINGS = ("1号楼", "2号楼", "3号楼", "4号楼")


def area_of(index: int) -> int:
    """Invented areas from 52.30 to 118.xx m², in hundredths."""
    return 5230 + (index * 373) % 6600


def spaces_of(index: int) -> int:
    return 1 if index % 3 == 0 else 0


@dataclass
class Registry:
    courtyard_id: int
    households: list[int]  # by index
    areas: list[int]
    residents: list[int]  # user id of each household's owner, by index
    tenants: list[int]  # user ids of tenants of households 0..TENANTS-1
    leader: Actor
    admin: Actor

    def resident(self, index: int) -> Actor:
        return Actor(
            user_id=self.residents[index],
            name=f"居民{index}",
            telegram_id=RESIDENT_TG + index,
            households={self.households[index]: self.courtyard_id},
        )

    def tenant(self, index: int) -> Actor:
        return Actor(
            user_id=self.tenants[index],
            name=f"租户{index}",
            telegram_id=TENANT_TG + index,
            households={self.households[index]: self.courtyard_id},
        )


async def seed_registry(
    sessions: async_sessionmaker[AsyncSession], now: datetime, count: int = 200
) -> Registry:
    async with sessions() as session, session.begin():
        yard = await courtyards.create_courtyard(session, "纬三路13号院", now, code="WSL")
        rows = [
            {
                "courtyard_id": yard.id,
                "building": BUILDINGS[i * len(BUILDINGS) // count],
                "unit": f"{i % 2 + 1}单元",
                "room": f"{i // 2 % 25 + 1:02d}{i % 2 + 1}",
                "area_centi_m2": area_of(i),
                "parking_spaces": spaces_of(i),
                "owner_name": f"业主{i:03d}",
                "phone": f"139{i:08d}",
            }
            for i in range(count)
        ]
        await session.execute(insert(Household), rows)
        ids = list(
            await session.scalars(
                select(Household.id).where(Household.courtyard_id == yard.id).order_by(Household.id)
            )
        )
        users = [
            {"telegram_id": RESIDENT_TG + i, "name": f"居民{i}", "created_at": now}
            for i in range(count)
        ] + [
            {"telegram_id": TENANT_TG + i, "name": f"租户{i}", "created_at": now}
            for i in range(TENANTS)
        ]
        await session.execute(insert(User), users)
        by_tg = dict(
            (
                await session.execute(
                    select(User.telegram_id, User.id).where(
                        User.telegram_id.in_([u["telegram_id"] for u in users])
                    )
                )
            ).all()
        )
        residents = [by_tg[RESIDENT_TG + i] for i in range(count)]
        tenants = [by_tg[TENANT_TG + i] for i in range(TENANTS)]
        memberships = [
            {
                "user_id": residents[i],
                "household_id": ids[i],
                "relation": Relation.OWNER,
                "status": MembershipStatus.APPROVED,
                "requested_at": now,
                "channel": "telegram",
            }
            for i in range(count)
        ] + [
            {
                "user_id": tenants[i],
                "household_id": ids[i],
                "relation": Relation.TENANT,
                "status": MembershipStatus.APPROVED,
                "requested_at": now,
                "channel": "telegram",
            }
            for i in range(TENANTS)
        ]
        await session.execute(insert(Membership), memberships)
        leader = await roles.user_by_telegram_id(session, LEADER_TG, now, create=True)
        await roles.grant(session, leader, Role.GRID_LEADER, yard.id, now, tell=False)
        admin = await roles.user_by_telegram_id(session, ADMIN_TG, now, create=True)
        await roles.grant(session, admin, Role.ADMIN, None, now, tell=False)
        return Registry(
            courtyard_id=yard.id,
            households=ids,
            areas=[area_of(i) for i in range(count)],
            residents=residents,
            tenants=tenants,
            leader=Actor(
                user_id=leader.id,
                name="网格长",
                telegram_id=LEADER_TG,
                grants=frozenset({Grant(Role.GRID_LEADER, yard.id)}),
            ),
            admin=Actor(
                user_id=admin.id,
                name="服务中心",
                telegram_id=ADMIN_TG,
                grants=frozenset({Grant(Role.ADMIN, None)}),
            ),
        )


def plan_draft(
    closes_at: datetime, *, rule: str = "art278", matter: int | None = 4, **extra: object
) -> VoteDraft:
    """The two plans of 纬三路13号院: the dearer one adds a 24-hour guard."""
    from models import VoteRule

    return VoteDraft(
        title="物业服务方案选择",
        text="两个方案，请每户投一票。",
        options=[
            OptionDraft("方案一：基础服务", rate="0.45", parking_fee="40", includes="保洁、维修"),
            OptionDraft(
                "方案二：含 24 小时门卫", rate="0.55", parking_fee="80", includes="24 小时门卫"
            ),
        ],
        closes_at=closes_at,
        rule=VoteRule(rule),
        matter=matter,
        **extra,  # type: ignore[arg-type]
    )


async def open_plan_vote(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    clock: FixedClock,
    policy: Policy,
    draft: VoteDraft | None = None,
) -> int:
    from services.votes import notices

    async with sessions() as session, session.begin():
        vote_id = await drafting.create(
            session,
            registry.leader,
            registry.courtyard_id,
            draft or plan_draft(clock() + timedelta(days=7)),
            now=clock(),
        )
        vote = await drafting.open_vote(session, registry.leader, vote_id, clock())
        await notices.announce(session, vote, clock(), policy)
    return vote_id


async def paper_ballots(
    sessions: async_sessionmaker[AsyncSession],
    registry: Registry,
    vote_id: int,
    choices: Sequence[tuple[int, int]],
    now: datetime,
) -> None:
    """(household index, option position) each, entered on paper by the grid leader."""
    async with sessions() as session, session.begin():
        for index, position in choices:
            result = await casting.enter(
                session,
                registry.leader,
                vote_id,
                registry.households[index],
                position,
                now,
                channel=BallotChannel.PAPER,
                photo_file_id=f"photo-{index}",
            )
            assert result.counted


async def set_areas(
    sessions: async_sessionmaker[AsyncSession], registry: Registry, areas: dict[int, int]
) -> None:
    """Change some households' areas in the registry (before a vote opens)."""
    async with sessions() as session, session.begin():
        for index, area in areas.items():
            await session.execute(
                update(Household)
                .where(Household.id == registry.households[index])
                .values(area_centi_m2=area)
            )
            registry.areas[index] = area
