"""People: users, their memberships in households, and their role assignments."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.household import Household


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Relation(enum.StrEnum):
    OWNER = "owner"
    TENANT = "tenant"
    FAMILY = "family"


class MembershipStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


class User(Base):
    """A person. telegram_id is empty for a neighbour a grid leader registered who is not online."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # mainland mobile or landline, normalized (services.phones); for neighbours registered
    # by a grid leader, so a later Telegram join can be recognised
    phone: Mapped[str | None] = mapped_column(String(20))
    username: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(10))
    language_code: Mapped[str | None] = mapped_column(String(16))
    blocked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        Index("ix_memberships_household_status", "household_id", "status"),
        Index("ix_memberships_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    relation: Mapped[Relation] = mapped_column(_enum(Relation))
    status: Mapped[MembershipStatus] = mapped_column(_enum(MembershipStatus))
    requested_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    channel: Mapped[str] = mapped_column(String(20), default="telegram")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    household: Mapped[Household] = relationship()


class RoleAssignment(Base):
    """A role held in one courtyard, or in all of them when courtyard_id is empty."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "courtyard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    courtyard_id: Mapped[int | None] = mapped_column(
        ForeignKey("courtyards.id", ondelete="CASCADE")
    )
    granted_at: Mapped[datetime]
