"""The ticket kinds of the outbox and the view that renders each."""

from __future__ import annotations

from services.tickets.messages import (
    TicketAlert,
    TicketAutoClosed,
    TicketCard,
    TicketDigest,
    TicketFeedback,
    TicketFiledForYou,
    TicketResolved,
    TicketTakenAway,
    TicketUpdate,
    TicketWork,
)
from views.outbox import Renderers
from views.tickets import cards, notices

RENDERERS: Renderers = {
    TicketCard: cards.card,
    TicketWork: cards.work,
    TicketTakenAway: cards.taken_away,
    TicketUpdate: notices.update,
    TicketResolved: notices.resolved,
    TicketAutoClosed: notices.autoclosed,
    TicketFiledForYou: notices.filed_for_you,
    TicketFeedback: notices.feedback,
    TicketAlert: notices.alert,
    TicketDigest: notices.digest,
}
