"""People: finding or creating a user for a Telegram account, their locale, and their actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Household, Membership, MembershipStatus, RoleAssignment, User
from services.access import Actor, Grant, Role
from services.errors import N_, InvalidInput

SUPPORTED_LOCALES = ("zh_Hans", "en")


@dataclass(frozen=True)
class TelegramProfile:
    telegram_id: int
    name: str
    username: str | None = None
    language_code: str | None = None


async def ensure_user(session: AsyncSession, profile: TelegramProfile, now: datetime) -> User:
    user = await session.scalar(select(User).where(User.telegram_id == profile.telegram_id))
    if user is None:
        user = User(
            telegram_id=profile.telegram_id,
            name=profile.name,
            username=profile.username,
            language_code=profile.language_code,
            created_at=now,
        )
        session.add(user)
        await session.flush()
        return user
    _refresh(user, profile)
    return user


async def arrive(
    session: AsyncSession, profile: TelegramProfile, now: datetime, channel: str = "telegram"
) -> tuple[User, Actor]:
    """The person behind an update, with their roles and homes, in one query (the hot path:
    every update comes through here)."""
    rows = (
        await session.execute(
            select(
                User,
                RoleAssignment.role,
                RoleAssignment.courtyard_id,
                Household.id,
                Household.courtyard_id,
            )
            .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
            .outerjoin(
                Membership,
                and_(Membership.user_id == User.id, Membership.status == MembershipStatus.APPROVED),
            )
            .outerjoin(Household, Household.id == Membership.household_id)
            .where(User.telegram_id == profile.telegram_id)
        )
    ).all()
    if not rows:
        user = await ensure_user(session, profile, now)
        return user, Actor(
            user_id=user.id, name=user.name, telegram_id=user.telegram_id, channel=channel
        )
    user = rows[0][0]
    _refresh(user, profile)
    grants = frozenset(Grant(Role(r), c) for _u, r, c, _h, _hc in rows if r is not None)
    homes = {h: hc for _u, _r, _c, h, hc in rows if h is not None}
    actor = Actor(
        user_id=user.id,
        name=user.name,
        telegram_id=user.telegram_id,
        locale=user.locale,
        grants=grants,
        households=homes,
        channel=channel,
    )
    return user, actor


def _refresh(user: User, profile: TelegramProfile) -> None:
    # keep what Telegram tells us fresh, and a person who writes again has unblocked us;
    # assign only what changed, so an unchanged person costs no flush
    fresh = {
        "name": profile.name or user.name,
        "username": profile.username,
        "language_code": profile.language_code or user.language_code,
        "blocked": False,
    }
    for field, value in fresh.items():
        if getattr(user, field) != value:
            setattr(user, field, value)


async def load_actor(session: AsyncSession, user: User, channel: str = "telegram") -> Actor:
    grants = await session.execute(
        select(RoleAssignment.role, RoleAssignment.courtyard_id).where(
            RoleAssignment.user_id == user.id
        )
    )
    homes = await session.execute(
        select(Household.id, Household.courtyard_id)
        .join(Membership, Membership.household_id == Household.id)
        .where(Membership.user_id == user.id, Membership.status == MembershipStatus.APPROVED)
    )
    return Actor(
        user_id=user.id,
        name=user.name,
        telegram_id=user.telegram_id,
        locale=user.locale,
        grants=frozenset(Grant(Role(r), c) for r, c in grants.all()),
        households={h: c for h, c in homes.all()},
        channel=channel,
    )


def pick_locale(user_choice: str | None, language_code: str | None, default: str) -> str:
    """The user's choice, else Telegram's language_code, else the default."""
    if user_choice in SUPPORTED_LOCALES:
        return user_choice
    if language_code:
        code = language_code.lower()
        if code.startswith("zh"):
            return "zh_Hans"
        if code.startswith("en"):
            return "en"
    return default


async def set_locale(session: AsyncSession, actor: Actor, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise InvalidInput(N_("This language is not available."))
    user = await session.get(User, actor.user_id)
    assert user is not None
    user.locale = locale


async def mark_blocked(session: AsyncSession, user_id: int) -> None:
    user = await session.get(User, user_id)
    if user is not None:
        user.blocked = True
