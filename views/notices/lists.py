"""The lists: a resident's 📢 通知公告 and an author's 我发的通知, paged, and the author's view of
one notice with its live counts and, after the deadline, who has not confirmed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import NoticeStatus
from services.notices.reading import AuthorView, NoticeLine, Page
from views.notices.callbacks import ListKind, ListPage, NoticeAction, Step
from views.notices.card import when
from views.text import h

Shown = tuple[str, InlineKeyboardMarkup | None]
SNIPPET = 60


def snippet(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= SNIPPET else one_line[: SNIPPET - 1] + "…"


def _status(line: NoticeLine, now: datetime) -> str:
    if line.status is NoticeStatus.CANCELLED:
        return _("withdrawn")
    if line.goes_out_at is not None and line.goes_out_at > now:
        return _("waiting to go out")
    return _("sent")


def _pager(kind: ListKind, page: Page) -> list[InlineKeyboardButton]:
    buttons = []
    if page.has_previous:
        buttons.append(
            InlineKeyboardButton(
                text=_("◀ Newer"), callback_data=ListPage(k=kind, p=page.number - 1).pack()
            )
        )
    if page.has_next:
        buttons.append(
            InlineKeyboardButton(
                text=_("Older ▶"), callback_data=ListPage(k=kind, p=page.number + 1).pack()
            )
        )
    return buttons


def _numbered(
    lines: Sequence[NoticeLine], page: Page, action: NoticeAction
) -> list[list[InlineKeyboardButton]]:
    start = page.number * page.size
    buttons = [
        InlineKeyboardButton(
            text=str(start + index + 1), callback_data=Step(a=action, n=line.id).pack()
        )
        for index, line in enumerate(lines)
    ]
    return [buttons] if buttons else []


def recent(lines: Sequence[NoticeLine], page: Page, zone: ZoneInfo) -> Shown:
    if not lines:
        return _("📢 There are no notices for your home yet."), None
    rows = [_("📢 <b>Notices</b> (newest first). Tap a number to read one in full.")]
    start = page.number * page.size
    for index, line in enumerate(lines):
        mark = "🔴 " if line.urgent else ""
        waiting = ""
        if line.needs_ack and not line.acknowledged:
            waiting = " · " + _("please confirm")
        at = when(line.goes_out_at, zone) if line.goes_out_at else ""
        rows.append(
            f"\n{start + index + 1}. {mark}{at} · {h(line.courtyard)}{waiting}\n"
            f"{h(snippet(line.text))}"
        )
    keyboard = [*_numbered(lines, page, NoticeAction.READ)]
    if pager := _pager(ListKind.RECENT, page):
        keyboard.append(pager)
    return "\n".join(rows), InlineKeyboardMarkup(inline_keyboard=keyboard)


def mine(lines: Sequence[NoticeLine], page: Page, zone: ZoneInfo, now: datetime) -> Shown:
    if not lines:
        return _("📋 You have not sent any notices yet. Tap 📢 Send a notice to write one."), None
    rows = [_("📋 <b>My notices</b> (newest first). Tap a number for who received and confirmed.")]
    start = page.number * page.size
    for index, line in enumerate(lines):
        mark = "🔴 " if line.urgent else ""
        at = when(line.goes_out_at, zone) if line.goes_out_at else ""
        rows.append(
            f"\n{start + index + 1}. #{line.id} {mark}{at} · {h(line.courtyard)} · "
            f"{_status(line, now)}\n"
            f"{h(snippet(line.text))}"
        )
    keyboard = [*_numbered(lines, page, NoticeAction.SHOW)]
    if pager := _pager(ListKind.MINE, page):
        keyboard.append(pager)
    return "\n".join(rows), InlineKeyboardMarkup(inline_keyboard=keyboard)


def _button(text: str, action: NoticeAction, notice_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=Step(a=action, n=notice_id).pack())


def author(view: AuthorView, zone: ZoneInfo, now: datetime) -> Shown:
    info, counts = view.notice, view.counts
    mark = "🔴 " if info.urgent else ""
    lines = [
        f"#{info.id} {mark}<b>{h(info.courtyard)}</b> · {h(snippet(info.text))}",
    ]
    if view.status is NoticeStatus.CANCELLED:
        lines.append(_("↩ Withdrawn: it was not sent."))
        return "\n".join(lines), None
    if info.goes_out_at is not None and info.goes_out_at > now:
        lines.append(_("🕗 Goes out at %(time)s.") % {"time": when(info.goes_out_at, zone)})
    elif info.goes_out_at is not None:
        lines.append(_("📤 Went out at %(time)s.") % {"time": when(info.goes_out_at, zone)})
    lines += [
        _("Households in scope: %(count)s") % {"count": counts.households},
        _("Private messages: %(delivered)s delivered of %(people)s sent")
        % {"delivered": counts.delivered, "people": counts.people},
        _("Residents' group posts: %(delivered)s of %(groups)s")
        % {"delivered": counts.groups_delivered, "groups": counts.groups},
    ]
    if info.needs_ack:
        lines.append(
            _("✅ Confirmed: %(households)s households (%(people)s people)")
            % {
                "households": counts.acknowledged_households,
                "people": counts.acknowledged_people,
            }
        )
        if info.ack_deadline is not None:
            lines.append(_("Deadline: %(time)s") % {"time": when(info.ack_deadline, zone)})
    lines.append(
        _("🚪 Told in person: %(told)s of %(listed)s households on your visit list")
        % {"told": counts.told_in_person, "listed": counts.to_visit}
    )
    keyboard: list[list[InlineKeyboardButton]] = []
    if view.withdrawable:
        keyboard.append([_button(_("↩ Withdraw"), NoticeAction.WITHDRAW, info.id)])
    if view.deadline_passed:
        if view.missing:
            lines.append(
                _("Not confirmed (%(count)s households, only you see this):")
                % {"count": len(view.missing)}
            )
            shown = "、".join(h(label) for label in view.missing[:60])
            if len(view.missing) > 60:
                shown += _(" and %(count)s more") % {"count": len(view.missing) - 60}
            lines.append(shown)
            if view.reminded:
                lines.append(_("⏰ The reminder has been sent."))
            else:
                keyboard.append(
                    [_button(_("⏰ Remind only those who did not"), NoticeAction.REMIND, info.id)]
                )
        else:
            lines.append(_("Every household has confirmed. 👍"))
    elif info.needs_ack and info.ack_deadline is not None:
        lines.append(
            _("After the deadline you will see who has not confirmed, and can remind them.")
        )
    if view.status is NoticeStatus.SENT:
        keyboard.append([_button(_("✏️ Send a correction"), NoticeAction.CORRECT, info.id)])
    keyboard.append([_button(_("🔄 Refresh"), NoticeAction.REFRESH, info.id)])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=keyboard)


def reminded(people: int) -> str:
    return _(
        "⏰ The reminder goes to %(people)s people of the households that did not confirm."
    ) % {"people": people}


def acknowledged() -> str:
    return _("✅ Thank you, your confirmation has been recorded.")
