"""The fee kinds of the outbox and the view that renders each."""

from __future__ import annotations

from services.fees.receipts import FeeReceipt
from views.fees import finance_receipt
from views.outbox import Renderers

RENDERERS: Renderers = {
    FeeReceipt: finance_receipt.receipt,
}
