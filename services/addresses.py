"""Understanding a typed address: "3号楼", "我住3号楼", "3栋", "502", "5-502", "3-2-501" matched
to a courtyard's buildings, units and rooms (numbers and names), for the household picker."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Household
from services.membership import natural_key

_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Place:
    household_id: int
    building: str
    unit: str
    room: str

    def label(self) -> str:
        return "-".join(p for p in (self.building, self.unit, self.room) if p)


@dataclass(frozen=True)
class Found:
    """The narrowest answer the text allows. `households` set: those rooms match (one means
    the room is found). Else `building` (and `unit`) settled; else `buildings` that match.
    All empty: nothing matched."""

    buildings: tuple[str, ...] = ()
    building: str | None = None
    unit: str | None = None
    households: tuple[Place, ...] = ()

    @property
    def nothing(self) -> bool:
        return not (self.buildings or self.building is not None or self.households)


async def places(session: AsyncSession, courtyard_id: int) -> list[Place]:
    """Every household of a courtyard as an address (a few hundred rows at most)."""
    rows = await session.execute(
        select(Household.id, Household.building, Household.unit, Household.room).where(
            Household.courtyard_id == courtyard_id
        )
    )
    return [Place(*row) for row in rows.all()]


def _plain(text: str) -> str:
    """Full-width digits and letters as ASCII, no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _number(name: str) -> int | None:
    found = _NUMBER.search(_plain(name))
    return int(found.group()) if found else None


def _named(name: str, text: str) -> bool:
    """The name appears in the text, not as the tail of a longer number ("13号楼" is not
    "3号楼")."""
    plain = _plain(name)
    if not plain:
        return False
    at = text.find(plain)
    while at >= 0:
        if at == 0 or not (plain[0].isdigit() and text[at - 1].isdigit()):
            return True
        at = text.find(plain, at + 1)
    return False


def _pick(names: Sequence[str], text: str, numbers: list[int]) -> tuple[list[str], list[int]]:
    """Names the text mentions (by name first, else by number), and the numbers left over."""
    by_name = [n for n in names if _named(n, text)]
    if by_name:
        longest = max(len(_plain(n)) for n in by_name)
        by_name = [n for n in by_name if len(_plain(n)) == longest]  # "1单元" in "11单元"
        used = _number(by_name[0])
        rest = list(numbers)
        if used is not None and used in rest:
            rest.remove(used)
        return by_name, rest
    if numbers:
        by_number = [n for n in names if _number(n) == numbers[0]]
        if by_number:
            return by_number, numbers[1:]
    return [], numbers


def find(
    places: Sequence[Place], text: str, *, building: str | None = None, unit: str | None = None
) -> Found:
    """Match typed text within the step already reached (`building`, `unit` chosen)."""
    given = (building, unit)
    plain = _plain(text)
    if building is not None:  # the chosen building said again is not a unit number
        plain = plain.replace(_plain(building), "", 1) if _named(building, plain) else plain
    numbers = [int(n) for n in _NUMBER.findall(plain)]
    scope = [p for p in places if building is None or p.building == building]
    if building is None:
        names = sorted({p.building for p in scope}, key=natural_key)
        chosen, rest = _pick(names, plain, numbers)
        if len(chosen) > 1:
            return Found(buildings=tuple(chosen))
        if not chosen:  # perhaps only a room: "502"
            return Found(households=_rooms(scope, plain, numbers))
        building = chosen[0]
        scope = [p for p in scope if p.building == building]
        numbers = rest
        if not numbers:
            return Found(building=building)
    if unit is None:
        names = sorted({p.unit for p in scope})
        chosen, rest = ([], numbers)
        if len(names) > 1:
            chosen, rest = _pick([n for n in names if n], plain, numbers)
        if len(chosen) == 1:
            unit, numbers = chosen[0], rest
            scope = [p for p in scope if p.unit == unit]
            if not numbers:
                return Found(building=building, unit=unit)
    else:
        scope = [p for p in scope if p.unit == unit]
    rooms = _rooms(scope, plain, numbers)
    if rooms:
        return Found(building=building, unit=unit, households=rooms)
    if (building, unit) == given:  # nothing new settled
        return Found()
    return Found(building=building, unit=unit)


def _rooms(scope: Sequence[Place], text: str, numbers: list[int]) -> tuple[Place, ...]:
    found = [p for p in scope if _plain(p.room) == text]
    if not found and not numbers:
        found = [p for p in scope if _named(p.room, text)]
    elif not found:
        wanted = numbers[-1]  # the room comes last: "5-502", "3号楼2单元501"
        found = [p for p in scope if _plain(p.room).isdigit() and int(_plain(p.room)) == wanted]
    return tuple(sorted(found, key=lambda p: natural_key(p.label())))
