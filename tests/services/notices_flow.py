"""Helpers of the notice service tests: compose and send a notice as a person would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Event, Notice, OutboxMessage
from services.access import Actor
from services.notices import compose, lifecycle
from services.notices.compose import Draft
from services.policy import Policy


async def send(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    draft: Draft,
    now: datetime,
    policy: Policy,
) -> lifecycle.Scheduled:
    async with sessions() as session, session.begin():
        notices = await compose.save_draft(session, actor, draft, now)
        return await lifecycle.send(session, actor, notices[0].id, now, policy)


async def rows(sessions: async_sessionmaker[AsyncSession], prefix: str) -> list[OutboxMessage]:
    async with sessions() as session:
        found = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.dedupe_key.like(f"{prefix}%"))
            .order_by(OutboxMessage.id)
        )
        return list(found)


async def notice(sessions: async_sessionmaker[AsyncSession], notice_id: int) -> Notice:
    async with sessions() as session:
        found = await session.get(Notice, notice_id)
        assert found is not None
        return found


async def events_of(sessions: async_sessionmaker[AsyncSession], notice_id: int) -> list[Any]:
    async with sessions() as session:
        found = await session.scalars(
            select(Event)
            .where(Event.subject_type == "notice", Event.subject_id == notice_id)
            .order_by(Event.id)
        )
        return [(e.action, e.channel, e.data) for e in found]


async def sweep(sessions: async_sessionmaker[AsyncSession], now: datetime, policy: Policy) -> int:
    async with sessions() as session, session.begin():
        return await lifecycle.sweep(session, now, policy)
