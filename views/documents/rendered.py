"""A message with a document built at send time, or — on a server that cannot build it — the
same message with the one line that says what to install, so the person is never left with
nothing. For outbox renderers and handlers alike:

    return with_document(text, lambda: bar_chart(...), filename="收费率.png", as_photo=True)
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from views.documents.errors import DocumentsUnavailable, explain
from views.outbox import Attachment, Rendered

log = logging.getLogger("courtyard.documents")


def with_document(
    text: str,
    build: Callable[[], bytes],
    *,
    filename: str,
    as_photo: bool = False,
    reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None,
) -> Rendered:
    try:
        data = build()
    except DocumentsUnavailable as error:
        log.warning("%s", error)
        return Rendered(f"{text}\n\n{explain(error, _)}", reply_markup)
    return Rendered(text, reply_markup, attachment=Attachment(data, filename, as_photo))
