"""People: finding or creating a user for a Telegram account, their locale, and their actor
(with a cache, since every update needs one)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

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
    """The person behind an update, with their roles and homes, in one query; created, or
    their Telegram profile refreshed, when needed (a write)."""
    found = await _load(session, profile, channel)
    if found is None:
        user = await ensure_user(session, profile, now)
        return user, Actor(
            user_id=user.id, name=user.name, telegram_id=user.telegram_id, channel=channel
        )
    user, actor = found
    _refresh(user, profile)
    return user, actor


async def lookup(
    session: AsyncSession, profile: TelegramProfile, channel: str = "telegram"
) -> tuple[Actor, bool]:
    """The person behind an update, read only, and whether the store already says what Telegram
    says of them. When it does not (a newcomer, a new name), `arrive` must run in the update's
    write transaction; until then a newcomer is an actor with no roles and no homes (user id 0,
    never written)."""
    found = await _load(session, profile, channel)
    if found is None:
        return Actor(user_id=0, name=profile.name, telegram_id=profile.telegram_id), False
    return found[1], not _stale(found[0], profile)


async def _load(
    session: AsyncSession, profile: TelegramProfile, channel: str
) -> tuple[User, Actor] | None:
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
        return None
    user = rows[0][0]
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


def _fresh(user: User, profile: TelegramProfile) -> dict[str, Any]:
    # what Telegram tells us, kept fresh; a person who writes again has unblocked us
    return {
        "name": profile.name or user.name,
        "username": profile.username,
        "language_code": profile.language_code or user.language_code,
        "blocked": False,
    }


def _stale(user: User, profile: TelegramProfile) -> bool:
    return any(getattr(user, f) != v for f, v in _fresh(user, profile).items())


def _refresh(user: User, profile: TelegramProfile) -> None:
    # assign only what changed, so an unchanged person costs no flush
    for field, value in _fresh(user, profile).items():
        if getattr(user, field) != value:
            setattr(user, field, value)


class ActorCache:
    """Actors by Telegram id, for a short time: most updates then need no query for the person.
    A change made through this process forgets the people it touched (`forget`); a change made
    elsewhere (the CLI, another bot process) shows once the entry expires."""

    def __init__(
        self,
        ttl: timedelta = timedelta(seconds=30),
        limit: int = 50_000,
    ) -> None:
        self.ttl = ttl
        self.limit = limit
        self._entries: OrderedDict[int, tuple[TelegramProfile, Actor, datetime]] = OrderedDict()

    def get(self, profile: TelegramProfile, now: datetime) -> Actor | None:
        entry = self._entries.get(profile.telegram_id)
        if entry is None:
            return None
        known, actor, until = entry
        if known != profile or now >= until:
            del self._entries[profile.telegram_id]
            return None
        return actor

    def put(self, profile: TelegramProfile, actor: Actor, now: datetime) -> None:
        self._entries[profile.telegram_id] = (profile, actor, now + self.ttl)
        self._entries.move_to_end(profile.telegram_id)
        while len(self._entries) > self.limit:
            self._entries.popitem(last=False)

    def forget(self, user_ids: set[int]) -> None:
        if not user_ids:
            return
        for telegram_id in [t for t, (_p, a, _u) in self._entries.items() if a.user_id in user_ids]:
            del self._entries[telegram_id]


# session.info key: ids of the users whose actor (roles, homes, locale) a transaction changed
ACTORS_CHANGED = "actors_changed"


def changed_actors(session: AsyncSession) -> set[int]:
    changed: set[int] = session.info.get(ACTORS_CHANGED, set())
    return changed


def actor_changed(session: AsyncSession, user_id: int) -> None:
    """For a change the ORM does not see (a bulk UPDATE or DELETE)."""
    session.info.setdefault(ACTORS_CHANGED, set()).add(user_id)


def _note_changed_actors(session: Session, _context: Any, _instances: Any) -> None:
    ids: set[int] = set()
    for o in (*session.new, *session.dirty, *session.deleted):
        if isinstance(o, User):
            ids.add(o.id)
        elif isinstance(o, Membership | RoleAssignment):
            # a membership moved to another person changes both: the old one's too
            history = get_history(o, "user_id")
            ids.update(i for i in (o.user_id, *history.deleted) if i is not None)
    ids.discard(None)  # type: ignore[arg-type, unused-ignore]  # no id before the flush
    if ids:
        session.info.setdefault(ACTORS_CHANGED, set()).update(ids)


def track_actor_changes() -> None:
    """Note, on every flush, whose actor changed (so their cached actor is forgotten)."""
    if not event.contains(Session, "before_flush", _note_changed_actors):
        event.listen(Session, "before_flush", _note_changed_actors)


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
        households=dict(homes.tuples().all()),
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


@dataclass(frozen=True)
class StaffMember:
    telegram_id: int
    locale: str | None
    language_code: str | None
    roles: set[Role]


async def staff_for_commands(session: AsyncSession) -> list[StaffMember]:
    """Everyone on Telegram holding a role (for their own ☰ command list), in one query."""
    rows = (
        await session.execute(
            select(User.telegram_id, User.locale, User.language_code, RoleAssignment.role)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(User.telegram_id.is_not(None), User.blocked.is_(False))
            .order_by(User.id)
        )
    ).all()
    staff: dict[int, StaffMember] = {}
    for telegram_id, locale, language_code, role in rows:
        member = staff.setdefault(
            telegram_id, StaffMember(telegram_id, locale, language_code, set())
        )
        member.roles.add(Role(role))
    return list(staff.values())
