"""The fee kinds of the outbox and the view that renders each (each part of the feature adds
its kinds in its section)."""

from __future__ import annotations

from views.outbox import Renderers

RENDERERS: Renderers = {
    # residents: receipts, claims and their answers
    # finance
    # reminders
}
