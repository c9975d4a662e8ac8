"""Outbox rows about tickets, and who gets them: the card for the team (and its later edits),
the work card for the assignee, and news for the people who reported."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
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
from services import audiences, outbox
from services.access import Role
from services.outbox import OutboxPayload, Recipient
from services.policy import Policy, waits_for_quiet_hours
from services.tickets.info import TicketInfo
from services.tickets.messages import TicketCard


def quiet(ticket: Ticket, policy: Policy) -> Policy | None:
    """Urgent tickets (no water, no power, someone trapped) ignore quiet hours."""
    return None if ticket.urgency is Urgency.URGENT else policy


async def team(session: AsyncSession, courtyard_id: int) -> list[Recipient]:
    """The courtyard's staff groups and its repair workers."""
    chats = await audiences.group_chats(session, courtyard_id, GroupKind.STAFF)
    return chats + await audiences.staff(session, Role.REPAIR, courtyard_id)


async def leaders(session: AsyncSession, courtyard_id: int) -> list[Recipient]:
    """Grid leaders; the service center when the courtyard has none."""
    return await audiences.leaders_or_admins(session, courtyard_id)


async def admins(session: AsyncSession, courtyard_id: int) -> list[Recipient]:
    return await audiences.admins(session, courtyard_id)


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
    recipients: list[Recipient],
    payload: OutboxPayload,
    *,
    dedupe_key: str,
    now: datetime,
    quiet: Policy | None = None,
) -> int:
    """One message to each recipient (one INSERT); `dedupe_key` gets the recipient appended."""
    return await outbox.enqueue_many(
        session,
        payload,
        recipients,
        dedupe_key=lambda r: f"{dedupe_key}:{r.key}",
        now=now,
        # the kind decides whether it may wait (services.policy.WAITS_FOR_QUIET_HOURS)
        quiet=quiet if waits_for_quiet_hours(payload.kind) else None,
    )


async def send_cards(
    session: AsyncSession, ticket: Ticket, info: TicketInfo, now: datetime, policy: Policy
) -> int:
    """A new ticket: a card with a Claim button to the staff group and each repair worker."""
    return await send(
        session,
        await team(session, ticket.courtyard_id),
        TicketCard(ticket=info),
        dedupe_key=f"ticket-card:{ticket.id}",
        now=now,
        quiet=quiet(ticket, policy),
    )


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
    card = TicketCard(ticket=info)
    edits: dict[Recipient, int] = {}
    for row_id, key, status, message_id in rows:
        if status is OutboxStatus.PENDING:
            if await outbox.replace_pending(session, row_id, card):
                continue
            status = OutboxStatus.SENDING  # the sender took it meanwhile; nothing to edit yet
        if status is OutboxStatus.SENT and message_id is not None:
            edits[recipients[key]] = message_id
    return await outbox.enqueue_many(
        session,
        lambda r: TicketCard(ticket=info, edit_message_id=edits[r]),
        edits,
        dedupe_key=lambda r: f"ticket-card-edit:{ticket.id}:v{ticket.version}:{r.key}",
        now=now,
    )


async def tell_answerers(
    session: AsyncSession,
    ticket: Ticket,
    payload: OutboxPayload,
    *,
    now: datetime,
    policy: Policy,
    exclude: int | None = None,
) -> int:
    """News of the ticket to those who reported it, except the person who made the change."""
    people = [
        Recipient(user_id=u) for u in sorted(await answerers(session, ticket)) if u != exclude
    ]
    return await send(
        session,
        people,
        payload,
        dedupe_key=f"{payload.kind}:{ticket.id}:v{ticket.version}",
        now=now,
        quiet=quiet(ticket, policy),
    )


async def tell_assignee(
    session: AsyncSession,
    ticket: Ticket,
    payload: OutboxPayload,
    *,
    now: datetime,
    policy: Policy,
    user_id: int | None = None,
    exclude: int | None = None,
) -> int:
    """To the worker who has the ticket (or `user_id`), unless they made the change."""
    target = user_id if user_id is not None else ticket.assignee_id
    if target is None or target == exclude:
        return 0
    return await send(
        session,
        [Recipient(user_id=target)],
        payload,
        dedupe_key=f"{payload.kind}:{ticket.id}:v{ticket.version}",
        now=now,
        quiet=quiet(ticket, policy),
    )
