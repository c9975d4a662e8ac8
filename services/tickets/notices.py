"""Outbox rows about tickets: the card for the team (and its later edits), the work card for
the assignee, and news for the people who reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    GroupKind,
    Membership,
    MembershipStatus,
    OutboxMessage,
    OutboxStatus,
    Ticket,
    Urgency,
)
from services import courtyards, outbox, roles
from services.access import Role
from services.policy import Policy, waits_for_quiet_hours
from services.tickets.info import TicketInfo

CARD = "ticket.card"


@dataclass(frozen=True)
class Recipient:
    user_id: int | None = None
    chat_id: int | None = None

    @property
    def key(self) -> str:
        return f"c{self.chat_id}" if self.chat_id is not None else f"u{self.user_id}"


def quiet(ticket: Ticket, policy: Policy) -> Policy | None:
    """Urgent tickets (no water, no power, someone trapped) ignore quiet hours."""
    return None if ticket.urgency is Urgency.URGENT else policy


async def team(session: AsyncSession, courtyard_id: int) -> list[Recipient]:
    """The courtyard's staff groups and its repair workers."""
    chats = await courtyards.group_chats(session, courtyard_id, GroupKind.STAFF)
    workers = await roles.holders(session, Role.REPAIR, courtyard_id)
    return [Recipient(chat_id=c) for c in chats] + [Recipient(user_id=u) for u in workers]


async def leaders(session: AsyncSession, courtyard_id: int) -> list[Recipient]:
    """Grid leaders; the service center when the courtyard has none."""
    found = await roles.holders(session, Role.GRID_LEADER, courtyard_id)
    if not found:
        found = await roles.holders(session, Role.ADMIN, courtyard_id)
    return [Recipient(user_id=u) for u in found]


async def admins(session: AsyncSession, courtyard_id: int) -> list[Recipient]:
    return [Recipient(user_id=u) for u in await roles.holders(session, Role.ADMIN, courtyard_id)]


async def answerers(session: AsyncSession, ticket: Ticket) -> set[int]:
    """Who may confirm, reopen, cancel and rate: the reporter, and for a ticket filed on a
    household's behalf, that household's members too."""
    found = {ticket.reporter_id}
    if ticket.on_behalf:
        found.update(
            await session.scalars(
                select(Membership.user_id).where(
                    Membership.household_id == ticket.household_id,
                    Membership.status == MembershipStatus.APPROVED,
                )
            )
        )
    return found


async def send(
    session: AsyncSession,
    recipient: Recipient,
    *,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str,
    now: datetime,
    quiet: Policy | None = None,
) -> bool:
    return await outbox.enqueue(
        session,
        kind=kind,
        payload=payload,
        dedupe_key=f"{dedupe_key}:{recipient.key}",
        now=now,
        user_id=recipient.user_id,
        chat_id=recipient.chat_id,
        # the kind decides whether it may wait (services.policy.WAITS_FOR_QUIET_HOURS)
        quiet=quiet if waits_for_quiet_hours(kind) else None,
    )


async def send_cards(
    session: AsyncSession, ticket: Ticket, info: TicketInfo, now: datetime, policy: Policy
) -> int:
    """A new ticket: a card with a Claim button to the staff group and each repair worker."""
    written = 0
    for recipient in await team(session, ticket.courtyard_id):
        written += await send(
            session,
            recipient,
            kind=CARD,
            payload=info.payload(),
            dedupe_key=f"ticket-card:{ticket.id}",
            now=now,
            quiet=quiet(ticket, policy),
        )
    return written


async def refresh_cards(
    session: AsyncSession, ticket: Ticket, info: TicketInfo, now: datetime
) -> int:
    """Show the ticket's new state on its cards: edit the sent ones, update those not sent."""
    recipients = {
        f"ticket-card:{ticket.id}:{r.key}": r for r in await team(session, ticket.courtyard_id)
    }
    rows = (
        await session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.dedupe_key,
                OutboxMessage.status,
                OutboxMessage.telegram_message_id,
            ).where(OutboxMessage.dedupe_key.in_(list(recipients)))
        )
    ).all()
    written = 0
    for row_id, key, status, message_id in rows:
        if status is OutboxStatus.PENDING:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.PENDING)
                .values(payload=info.payload())
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0):
                continue
            status = OutboxStatus.SENDING  # the sender took it meanwhile; nothing to edit yet
        if status is OutboxStatus.SENT and message_id is not None:
            written += await send(
                session,
                recipients[key],
                kind=CARD,
                payload={**info.payload(), "edit_message_id": message_id},
                dedupe_key=f"ticket-card-edit:{ticket.id}:v{ticket.version}",
                now=now,
            )
    return written


async def tell_answerers(
    session: AsyncSession,
    ticket: Ticket,
    *,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    policy: Policy,
    exclude: int | None = None,
) -> int:
    """News of the ticket to those who reported it, except the person who made the change."""
    written = 0
    for user_id in sorted(await answerers(session, ticket)):
        if user_id == exclude:
            continue
        written += await send(
            session,
            Recipient(user_id=user_id),
            kind=kind,
            payload=payload,
            dedupe_key=f"{kind}:{ticket.id}:v{ticket.version}",
            now=now,
            quiet=quiet(ticket, policy),
        )
    return written


async def tell_assignee(
    session: AsyncSession,
    ticket: Ticket,
    *,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    policy: Policy,
    user_id: int | None = None,
    exclude: int | None = None,
) -> int:
    """To the worker who has the ticket (or `user_id`), unless they made the change."""
    target = user_id if user_id is not None else ticket.assignee_id
    if target is None or target == exclude:
        return 0
    return int(
        await send(
            session,
            Recipient(user_id=target),
            kind=kind,
            payload=payload,
            dedupe_key=f"{kind}:{ticket.id}:v{ticket.version}",
            now=now,
            quiet=quiet(ticket, policy),
        )
    )
