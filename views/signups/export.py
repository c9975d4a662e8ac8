"""The check-in list as a spreadsheet for the organizer (sent as a document; on a server that
cannot build it, the one line saying what to install)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from models import SignupStatus
from services.signups.roster import Roster
from views.documents.rendered import with_document
from views.documents.sheets import Cell, Sheet, workbook
from views.outbox import Rendered
from views.signups import words
from views.text import h


def spreadsheet(roster: Roster, zone: ZoneInfo) -> Rendered:
    info = roster.gathering
    header = [
        _("Time"),
        _("No."),
        _("Name"),
        _("Room"),
        _("Status"),
        _("Arrived"),
        _("Signed up by"),
    ]
    rows: list[list[Cell]] = []
    for slot in roster.slots:
        time = words.times(slot.slot.starts_at, slot.slot.ends_at, zone)
        for number, entry in enumerate((*slot.booked, *slot.waiting), start=1):
            waiting = entry.status is SignupStatus.WAITING
            rows.append(
                [
                    time,
                    number if not waiting else None,
                    entry.name,
                    entry.room,
                    _("waiting, number %(n)s") % {"n": number - len(slot.booked)}
                    if waiting
                    else _("signed up"),
                    _("yes") if entry.checked_in else "",
                    entry.signed_by or "",
                ]
            )
    day = info.starts_at.astimezone(zone).strftime("%Y-%m-%d")
    caption = _("📄 %(title)s, %(day)s: %(count)s people") % {
        "title": h(info.title),
        "day": day,
        "count": len(rows),
    }
    return with_document(
        caption,
        lambda: workbook([Sheet(title=info.title, header=header, rows=rows)]),
        filename=f"{info.title}-{day}.xlsx",
    )
