"""The fee kinds of the outbox and the view that renders each (each part of the feature adds
its kinds in its section)."""

from __future__ import annotations

from services.fees.claim_notices import FeeClaimCard, FeeClaimRejected
from services.fees.receipts import FeeReceipt
from views.fees import claims, receipts, reminders
from views.outbox import Renderers

RENDERERS: Renderers = {
    # residents: receipts, claims and their answers
    FeeReceipt: receipts.receipt,
    FeeClaimCard: claims.card,
    FeeClaimRejected: claims.rejected,
    # finance
    # reminders: to households, their answers to finance and grid leaders, formal notices
    **reminders.RENDERERS,
}
