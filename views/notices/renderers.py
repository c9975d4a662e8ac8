"""The notice kinds of the outbox and the view that renders each."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.notices.messages import (
    NoticeDeadlinePassed,
    NoticeLetter,
    NoticePost,
    NoticeReminder,
)
from views.notices import card
from views.notices.callbacks import NoticeAction, Step
from views.outbox import RenderContext, Rendered, Renderers
from views.text import h


def post(payload: NoticePost, context: RenderContext) -> Rendered:
    """In the residents' group; an urgent one is pinned there once sent."""
    return card.rendered(payload.notice, context.timezone, pin=payload.notice.urgent)


def letter(payload: NoticeLetter, context: RenderContext) -> Rendered:
    return card.rendered(payload.notice, context.timezone)


def reminder(payload: NoticeReminder, context: RenderContext) -> Rendered:
    return card.rendered(payload.notice, context.timezone, reminder=True)


def deadline(payload: NoticeDeadlinePassed, context: RenderContext) -> Rendered:
    text = _(
        "⏰ The time to confirm your notice in %(courtyard)s has passed:\n"
        "«%(text)s»\n"
        "%(acknowledged)s of %(households)s households confirmed."
    ) % {
        "courtyard": h(payload.courtyard),
        "text": h(payload.text),
        "acknowledged": payload.acknowledged,
        "households": payload.households,
    }
    button = InlineKeyboardButton(
        text=_("📋 See who has not"),
        callback_data=Step(a=NoticeAction.SHOW, n=payload.notice_id).pack(),
    )
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=[[button]]))


RENDERERS: Renderers = {
    NoticePost: post,
    NoticeLetter: letter,
    NoticeReminder: reminder,
    NoticeDeadlinePassed: deadline,
}
