"""The last word: unexpected errors answered kindly, and buttons nobody handles (expired)."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Router
from aiogram.types import CallbackQuery, ErrorEvent, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from handlers.flags import READS_ONLY
from services.access import Actor
from views.menu import main_menu

log = logging.getLogger("courtyard.errors")


async def on_error(event: ErrorEvent, i18n: I18n | None = None, **data: Any) -> None:
    update = event.update
    log.exception(
        "update %s failed: %s", update.update_id, event.exception, exc_info=event.exception
    )
    locale = data.get("locale") or (i18n.default_locale if i18n else "zh_Hans")
    if i18n is None:
        return
    with i18n.context(), i18n.use_locale(locale):
        text = _("Sorry, something went wrong on our side. Please try again in a moment.")
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(text, show_alert=True)
            elif update.message is not None and update.message.chat.type == "private":
                await update.message.answer(text)
        except Exception:  # the apology itself failed (network): the log above has it all
            log.warning("could not tell user about failed update %s", update.update_id)


async def expired_button(query: CallbackQuery) -> None:
    await query.answer(
        _("This button has expired. Please start again from the menu."), show_alert=True
    )


async def not_understood(message: Message, actor: Actor | None = None) -> None:
    if message.chat.type != "private":
        return
    # no slash command to learn: the menu buttons are shown again, under the answer
    await message.answer(
        _("Sorry, I did not understand that. Please tap one of the buttons below."),
        reply_markup=main_menu(actor) if actor is not None else None,
    )


def build() -> Router:
    router = Router(name="errors")
    router.errors()(on_error)
    return router


def build_fallback() -> Router:
    """Last in line: what no feature took."""
    router = Router(name="fallback")
    router.callback_query(flags=READS_ONLY)(expired_button)
    router.message(flags=READS_ONLY)(not_understood)
    return router
