"""Courtyards (楼院) and the group chats linked to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class GovernanceKind(enum.StrEnum):
    PROPERTY_COMPANY = "property_company"
    SELF_GOVERNED = "self_governed"
    SERVICE_CENTER = "service_center"
    NONE = "none"


class GroupKind(enum.StrEnum):
    RESIDENTS = "residents"
    STAFF = "staff"


class Courtyard(Base):
    __tablename__ = "courtyards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    address: Mapped[str | None] = mapped_column(String(200))
    community: Mapped[str | None] = mapped_column(String(100))
    governance: Mapped[GovernanceKind] = mapped_column(
        Enum(
            GovernanceKind,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=GovernanceKind.SERVICE_CENTER,
    )
    invite_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime]

    groups: Mapped[list[GroupChat]] = relationship(back_populates="courtyard")


class GroupChat(Base):
    __tablename__ = "group_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(200), default="")
    courtyard_id: Mapped[int | None] = mapped_column(
        ForeignKey("courtyards.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[GroupKind | None] = mapped_column(
        Enum(
            GroupKind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
        )
    )
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)

    courtyard: Mapped[Courtyard | None] = relationship(back_populates="groups")
