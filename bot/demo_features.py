"""Invented demo data for the features on top of the registry: fee plans and bills with some
paid and some in arrears, payment instructions, an open vote with ballots, a sent notice, an
event with slots and a few households on the grid leader's visit list. All made up.

Written once, through the services (so the data is what the bot itself would have written);
`seed_features` does nothing on a store that already has a fee plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import BallotChannel, FeePlan, Household, PaymentMethod, VoteRule
from services import courtyards, people, roles, visits
from services.access import Actor
from services.audiences import Scope
from services.fees import bills, instructions, payments, periods, plans, statements
from services.notices import compose, lifecycle
from services.policy import Policy
from services.signups import gatherings
from services.signups.schedule import PlannedSlot
from services.votes import casting, notices
from services.votes import drafting as vote_drafting
from services.votes.drafting import OptionDraft, VoteDraft

MONTHS_BILLED = 3  # the current month and the two before it


@dataclass(frozen=True)
class DemoPlan:
    courtyard: str
    name: str
    rate: str  # yuan per m² per month
    parking_fee: str  # yuan per space per month
    paid_share: int  # of every 10 households, how many paid everything (one more: a month)
    households: int | None = None  # only the first ones pay at all (a demo starts fast)


INSTRUCTIONS = (
    "微信或支付宝扫服务中心的收款码，备注“楼号-单元-房号”（例：2-1-501）。\n"
    "也可以到服务中心交现金：周一到周五 8:30–17:30。\n"
    "有问题请找网格长或打服务中心电话 0371-6000000（演示号码）。"
)
NOTICE_TEXT = (
    "【停水通知】因管道检修，本周六 9:00–15:00 全院停水。\n"
    "请提前储水。检修完后第一次放水请先放掉黄水。\n"
    "（演示数据）"
)


async def _actor(session: AsyncSession, telegram_id: int, now: datetime) -> Actor:
    user = await roles.user_by_telegram_id(session, telegram_id, now, create=False)
    return await people.load_actor(session, user, channel="demo")


async def _fees(
    session: AsyncSession,
    clerk: Actor,
    plan: DemoPlan,
    courtyard_id: int,
    now: datetime,
    owing: frozenset[int],
    paid_up: frozenset[int],
) -> list[int]:
    """The plan, the bills of the last months, payments; returns the households in arrears."""
    today = now.date()
    current = periods.of(today)
    first = periods.shift(current, 1 - MONTHS_BILLED)
    await plans.create(
        session,
        None,
        courtyard_id,
        name=plan.name,
        rate=plan.rate,
        parking_fee=plan.parking_fee,
        from_period=first,
        now=now,
        channel="demo",
    )
    for months in range(MONTHS_BILLED):
        await bills.issue(session, courtyard_id, periods.shift(first, months), now)
    homes = list(
        await session.scalars(
            select(Household.id)
            .where(Household.courtyard_id == courtyard_id)
            .order_by(Household.id)
        )
    )
    arrears: list[int] = []
    for index, household_id in enumerate(homes):
        share = 0 if household_id in paid_up else index % 10
        sampled = plan.households is None or index < plan.households or household_id in paid_up
        if household_id in owing or share >= plan.paid_share + 1 or not sampled:  # nothing paid
            arrears.append(household_id)
            continue
        owed = await statements.open_total(session, household_id)
        amount = owed if share < plan.paid_share else owed // MONTHS_BILLED  # one month of three
        if amount <= 0:
            continue
        if share == plan.paid_share:
            arrears.append(household_id)
        await payments.record(
            session,
            clerk,
            courtyard_id,
            household_id,
            amount_fen=amount,
            method=(PaymentMethod.WECHAT, PaymentMethod.CASH, PaymentMethod.ALIPAY)[index % 3],
            paid_on=today - timedelta(days=index % 20),
            today=today,
            now=now,
            channel="demo",
        )
    return arrears


async def _vote(
    session: AsyncSession, leader: Actor, courtyard_id: int, now: datetime, policy: Policy
) -> int:
    """The two guard plans (Art. 278, matter 4), open, with some owners' ballots."""
    draft = VoteDraft(
        title="物业服务方案选择（演示）",
        text=(
            "两个方案只差保安：方案二有24小时门岗保安，每月每平方米贵0.10元，车位每个每月另交40元。"
        ),
        options=(
            OptionDraft("方案一：保洁＋维修，无门岗", rate="0.35", parking_fee="0"),
            OptionDraft(
                "方案二：再加24小时门岗保安", rate="0.45", parking_fee="40", includes="24小时保安"
            ),
        ),
        closes_at=now + timedelta(days=10),
        rule=VoteRule.ART278,
        matter=4,
    )
    vote_id = await vote_drafting.create(session, leader, courtyard_id, draft, now=now)
    await notices.open_and_announce(session, leader, vote_id, now, policy)
    homes = list(
        await session.scalars(
            select(Household.id)
            .where(Household.courtyard_id == courtyard_id, Household.building == "3号楼")
            .order_by(Household.id)
        )
    )
    for index, household_id in enumerate(homes[:30]):  # paper ballots a grid leader entered
        await casting.enter(
            session,
            leader,
            vote_id,
            household_id,
            1 if index % 3 == 0 else 2,
            now,
            channel=BallotChannel.IN_PERSON,
        )
    return vote_id


async def _notice(
    session: AsyncSession, leader: Actor, courtyard_id: int, now: datetime, policy: Policy
) -> int:
    draft = compose.Draft(
        courtyard_ids=(courtyard_id,),
        text=NOTICE_TEXT,
        needs_ack=True,
        ack_deadline=now + timedelta(days=3),
    )
    (notice,) = await compose.save_draft(session, leader, draft, now)
    await lifecycle.send(session, leader, notice.id, now, policy)
    return notice.id


async def _event(
    session: AsyncSession, leader: Actor, courtyard_id: int, now: datetime, policy: Policy
) -> int:
    """Bus-card renewal for the elderly: one morning next week, eight half-hour slots (an
    event is one day, as the grid leader's steps make it)."""
    local = policy.local(now) + timedelta(days=7)
    day = local.replace(hour=8, minute=30, second=0, microsecond=0).astimezone(UTC)
    slots = [
        PlannedSlot(start, start + timedelta(minutes=30), 8)
        for start in (day + timedelta(minutes=30 * n) for n in range(8))
    ]
    gathering_id, _sent = await gatherings.publish(
        session,
        leader,
        scope=Scope.of(courtyard_id),
        title="老年人公交卡年审（演示）",
        place="服务中心一楼",
        slots=slots,
        now=now,
        policy=policy,
        description="请带身份证和公交卡。每个时段8人，先到先得。",
    )
    return gathering_id


async def seed_features(
    session: AsyncSession,
    now: datetime,
    policy: Policy,
    *,
    demo_plans: tuple[DemoPlan, ...],
    owing: dict[str, frozenset[int]],
    paid_up: dict[str, frozenset[int]],
    leader_tg: int,
    clerk_tg: int,
    admin_tg: int,
    home_courtyard: str,
) -> bool:
    """Write the features' demo data once; False when the store has it already."""
    if await session.scalar(select(func.count()).select_from(FeePlan)):
        return False
    clerk = await _actor(session, clerk_tg, now)
    admin = await _actor(session, admin_tg, now)
    leader = await _actor(session, leader_tg, now)
    arrears_at_home: list[int] = []
    for plan in demo_plans:
        courtyard = await courtyards.by_name(session, plan.courtyard)
        await instructions.set_details(session, admin, courtyard.id, INSTRUCTIONS, now)
        arrears = await _fees(
            session,
            clerk,
            plan,
            courtyard.id,
            now,
            owing.get(plan.courtyard, frozenset()),
            paid_up.get(plan.courtyard, frozenset()),
        )
        if plan.courtyard == home_courtyard:
            arrears_at_home = arrears
    home = await courtyards.by_name(session, home_courtyard)
    await _vote(session, leader, home.id, now, policy)
    await _notice(session, leader, home.id, now, policy)
    await _event(session, leader, home.id, now, policy)
    # the grid leader's visit list: a few households long in arrears, to see in person
    await visits.add(
        session,
        courtyard_id=home.id,
        kind="fee-visit",
        ref=periods.of(now.date()),
        household_ids=arrears_at_home[:5],
        reason="arrears",
        now=now,
    )
    return True
