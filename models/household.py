"""Households (户): a room in a building of a courtyard; the unit of billing and voting."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("courtyard_id", "building", "unit", "room"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(
        ForeignKey("courtyards.id", ondelete="CASCADE"), index=True
    )
    building: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(40), default="")
    room: Mapped[str] = mapped_column(String(40))
    # hundredths of a square metre: 8650 is 86.50 m²
    area_centi_m2: Mapped[int] = mapped_column(Integer)
    parking_spaces: Mapped[int] = mapped_column(Integer, default=0)
    owner_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))

    def label(self) -> str:
        """A short address such as '3-2-501' for views."""
        parts = [self.building, self.unit, self.room]
        return "-".join(p for p in parts if p)
