"""Visits (上门名单): households a grid leader goes to in person — a notice nobody in the
household could be sent, a fee reminder that needs a knock on the door. One task per (kind,
ref, household): `kind` names the feature's reason to go ("notice", "fee-visit"), `ref` the
thing it is about (a notice id, a period such as "2026-12")."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class VisitOutcome(enum.StrEnum):
    TOLD = "told"  # told in person: done
    NOT_HOME = "not_home"  # nobody opened: the task stays open for another try
    REFUSED = "refused"  # would not listen / would not pay: done
    OTHER = "other"  # done some other way (phoned, met in the yard)


# what closes a task; NOT_HOME is a try, not an end
FINAL_OUTCOMES = frozenset({VisitOutcome.TOLD, VisitOutcome.REFUSED, VisitOutcome.OTHER})


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class VisitTask(Base):
    __tablename__ = "visit_tasks"
    __table_args__ = (
        UniqueConstraint("kind", "ref", "household_id"),
        Index("ix_visit_tasks_courtyard_open", "courtyard_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    ref: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(30))  # e.g. "unreachable", "arrears"
    created_at: Mapped[datetime]
    # the last try (a "not home" leaves the task open); the outcome that closed it once done
    outcome: Mapped[VisitOutcome | None] = mapped_column(_enum(VisitOutcome))
    tries: Mapped[int] = mapped_column(Integer, default=0)
    tried_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str | None] = mapped_column(String(20))
