"""The outbox kinds of residents' payment claims: the card finance confirms or rejects, and
the answer to a rejected claim (a confirmed one is answered by the receipt)."""

from __future__ import annotations

from datetime import date

from services.outbox import OutboxPayload


class FeeClaimCard(OutboxPayload):
    """To the courtyard's finance staff: the claim with its screenshot and the two buttons."""

    kind = "fee.claim"
    claim_id: int
    courtyard: str
    household: str
    claimant: str
    amount_fen: int
    method: str | None  # a PaymentMethod value, if the resident said
    paid_on: date
    photo_file_id: str


class FeeClaimRejected(OutboxPayload):
    """To the resident who sent the claim: finance's reason."""

    kind = "fee.claim_rejected"
    claim_id: int
    household: str
    amount_fen: int
    paid_on: date
    reason: str
    by: str
