"""When each reminder stage is due, per courtyard: a settings row per stage that finance or an
admin changed, the defaults for the rest.

A stage is due from local day `day` of the month `months_after` months after the billed period,
until that month ends: the bill notice from the 1st of the period, the friendly reminder from
the 15th, the overdue notice from the 5th of the next month, the grid leader's visit list two
months on, the formal written notice (催告, with a 7-day deadline) three months on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import FeeReminderSetting, ReminderStage
from services import events
from services.access import Actor, Role, require
from services.errors import N_, InvalidInput

CONFIGURERS = (Role.FINANCE, Role.ADMIN)
FORMAL_DEADLINE_DAYS = 7  # a formal notice asks for payment within this many days
LAST_DAY = 28  # every month has it


class BadReminderDay(InvalidInput):
    message = N_("%(text)s is not a day for a reminder: give a day of the month from 1 to 28.")


class UnknownStage(InvalidInput):
    message = N_("Unknown reminder stage %(text)s. Stages: %(stages)s.")


@dataclass(frozen=True)
class StageRule:
    stage: ReminderStage
    enabled: bool
    months_after: int
    day: int
    changed: bool = False  # differs from the defaults by a settings row


S = ReminderStage
DEFAULTS: dict[ReminderStage, StageRule] = {
    S.NOTICE: StageRule(S.NOTICE, True, 0, 1),
    S.FRIENDLY: StageRule(S.FRIENDLY, True, 0, 15),
    S.OVERDUE: StageRule(S.OVERDUE, True, 1, 5),
    S.VISIT: StageRule(S.VISIT, True, 2, 1),
    S.FORMAL: StageRule(S.FORMAL, True, 3, 1),
}
ORDER = tuple(ReminderStage)


def parse_stage(text: str) -> ReminderStage:
    try:
        return ReminderStage(text.strip().lower())
    except ValueError:
        raise UnknownStage(text=text, stages=", ".join(s.value for s in ORDER)) from None


async def rules_for(
    session: AsyncSession, courtyard_ids: Iterable[int]
) -> dict[int, list[StageRule]]:
    """Each courtyard's stages in order (one query for them all)."""
    ids = list(courtyard_ids)
    rows = await session.scalars(
        select(FeeReminderSetting).where(FeeReminderSetting.courtyard_id.in_(ids))
    )
    changed: dict[tuple[int, ReminderStage], FeeReminderSetting] = {
        (r.courtyard_id, r.stage): r for r in rows
    }
    found: dict[int, list[StageRule]] = {}
    for courtyard_id in ids:
        found[courtyard_id] = []
        for stage in ORDER:
            row = changed.get((courtyard_id, stage))
            rule = DEFAULTS[stage]
            if row is not None:
                rule = StageRule(stage, row.enabled, row.months_after, row.day, changed=True)
            found[courtyard_id].append(rule)
    return found


async def rules(session: AsyncSession, courtyard_id: int) -> list[StageRule]:
    return (await rules_for(session, [courtyard_id]))[courtyard_id]


async def configure(
    session: AsyncSession,
    actor: Actor | None,
    courtyard_id: int,
    stage: ReminderStage,
    *,
    now: datetime,
    day: int | None = None,
    enabled: bool | None = None,
) -> StageRule:
    """Change a stage's day or switch it on or off. `actor` None: the operator at the terminal."""
    if actor is not None:
        require(actor, CONFIGURERS, courtyard_id)
    if day is not None and not 1 <= day <= LAST_DAY:
        raise BadReminderDay(text=str(day))
    current = next(r for r in await rules(session, courtyard_id) if r.stage is stage)
    wanted = replace(
        current,
        day=current.day if day is None else day,
        enabled=current.enabled if enabled is None else enabled,
        changed=True,
    )
    row = await session.get(FeeReminderSetting, (courtyard_id, stage))
    if row is None:
        row = FeeReminderSetting(courtyard_id=courtyard_id, stage=stage)
        session.add(row)
    row.enabled = wanted.enabled
    row.months_after = wanted.months_after
    row.day = wanted.day
    row.updated_by = actor.user_id if actor else None
    row.updated_at = now
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="fee_reminder_setting",
        subject_id=courtyard_id,
        action="reminder_stage_changed",
        courtyard_id=courtyard_id,
        channel=actor.channel if actor else "cli",
        data={"stage": stage.value, "enabled": wanted.enabled, "day": wanted.day},
    )
    await session.flush()
    return wanted
