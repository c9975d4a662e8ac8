"""The fee kinds of the outbox and the view that renders each."""

from __future__ import annotations

from views.fees import reminders
from views.outbox import Renderers

RENDERERS: Renderers = {**reminders.RENDERERS}
