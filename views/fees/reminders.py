"""The reminder messages as residents, finance and grid leaders read them (rendered at send
time in the recipient's language), with the answer buttons and the printable formal notice."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import ReminderAnswer, ReminderStage
from services.errors import N_
from services.fees import reminders
from services.fees.reminder_messages import (
    FeeFormalNoticeList,
    FeeReminderAnswered,
    FeeReminderMessage,
)
from views.fees import formal_notice
from views.fees.reminder_callbacks import AnswerReminder, ResumeReminders
from views.fees.reminder_words import ANSWERS, answer_name, breakdown, day, how_to_pay, money
from views.fees.reminder_words import month as month_text
from views.fees.reminder_words import months as months_text
from views.outbox import Attachment, RenderContext, Rendered, Renderers
from views.text import h

S = ReminderStage
LISTED_AT_MOST = 30  # households named in finance's list message (all are in the PDF)


def answer_keyboard(reminder_id: int) -> InlineKeyboardMarkup:
    """One big button a row: easy to hit."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=str(label), callback_data=AnswerReminder(r=reminder_id, a=a).pack()
                )
            ]
            for a, label in ANSWERS.items()
        ]
    )


def _values(p: FeeReminderMessage) -> dict[str, str]:
    return {
        "period": month_text(p.period),
        "household": h(p.household),
        "courtyard": h(p.courtyard),
        "owed": money(p.owed_fen),
        "total": money(p.total_owed_fen),
        "due": day(p.due),
        "count": str(len(p.months)),
        "months": months_text(p.months),
        "deadline": day(p.deadline) if p.deadline else "",
        "days": str((p.deadline - p.issued_on).days) if p.deadline else "",
    }


def _earlier(p: FeeReminderMessage) -> list[str]:
    if len(p.months) <= 1:
        return []
    return [
        _("Open months: %(months)s. Together: %(total)s.") % _values(p),
    ]


def text_of(p: FeeReminderMessage) -> str:
    """The words of a reminder (also what the test of lawful wording reads)."""
    v = _values(p)
    if p.stage is S.NOTICE:
        lines = [
            _("📄 <b>Your bill for %(period)s</b>: %(household)s, %(courtyard)s") % v,
            *(h(line) for line in breakdown(p.bill)),
            _("Please pay by %(due)s.") % v,
        ]
        if p.owed_fen != p.bill.amount_fen:
            lines.append(_("Still open for the month: %(owed)s.") % v)
    elif p.stage is S.FRIENDLY:
        lines = [
            _(
                "🔔 A friendly reminder: the bill for %(period)s of %(household)s, "
                "%(owed)s, is still open."
            )
            % v,
            _("Please pay by %(due)s.") % v,
        ]
    elif p.stage is S.OVERDUE:
        lines = [
            _(
                "📌 The bill for %(period)s of %(household)s, %(owed)s, was due on "
                "%(due)s and is still open. Please pay when you can."
            )
            % v,
            _(
                "If paying is hard for you, tap “I have difficulties”: finance will "
                "talk with you privately."
            ),
        ]
    else:
        return formal_text(p)
    lines.extend(_earlier(p))
    lines.append(how_to_pay())
    lines.append(_("Anything we should know? Tap a button below."))
    return "\n".join(lines)


def formal_text(p: FeeReminderMessage) -> str:
    v = _values(p)
    return "\n".join(
        [
            _("📜 <b>Written notice to pay</b> (%(courtyard)s)") % v,
            _("To the household %(household)s:") % v,
            _(
                "Our records show %(total)s of property fees unpaid for %(count)s "
                "month(s): %(months)s."
            )
            % v,
            _("Please pay within %(days)s days, by %(deadline)s.") % v,
            _(
                "If you disagree with the amount or with our service, please tell us "
                "before then with a button below, or come to the service center's "
                "office."
            ),
            _(
                "If the fees remain unpaid, the service center may apply for "
                "mediation or arbitration, or bring a claim in court, as the law "
                "allows."
            ),
            how_to_pay(),
        ]
    )


def _with(
    text: str, found: tuple[Attachment | None, str | None], attached: str
) -> tuple[str, Attachment | None]:
    """The text with a line saying the file is attached, or why it could not be made."""
    attachment, why = found
    return f"{text}\n{attached if attachment is not None else h(why or '')}", attachment


def reminder(payload: FeeReminderMessage, context: RenderContext) -> Rendered:
    text = text_of(payload)
    attachment = None
    if payload.stage is S.FORMAL:
        found = formal_notice.attachment_for(payload)
        text, attachment = _with(text, found, _("The printable notice is attached."))
    return Rendered(text, answer_keyboard(payload.reminder_id), attachment=attachment)


def answered(payload: FeeReminderAnswered, context: RenderContext) -> Rendered:
    v = {
        "by": h(payload.by),
        "household": h(payload.household),
        "courtyard": h(payload.courtyard),
        "period": month_text(payload.period),
        "owed": money(payload.owed_fen),
        "answer": answer_name(payload.answer),
    }
    lines = [
        _(
            "💬 %(by)s (%(household)s, %(courtyard)s) answered the reminder for "
            "%(period)s (open: %(owed)s): %(answer)s"
        )
        % v
    ]
    if payload.note:
        lines.append(_("In their words: %(note)s") % {"note": h(payload.note)})
    if payload.answer is ReminderAnswer.HARDSHIP:
        lines.append(_("Please contact them privately."))
    keyboard = None
    if payload.pause_id is not None:
        lines.append(_("Reminders for this household and month are paused."))
        if payload.for_finance:
            keyboard = InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=_("▶️ Resolved: remind again"),
                            callback_data=ResumeReminders(p=payload.pause_id).pack(),
                        )
                    ]
                ]
            )
    return Rendered("\n".join(lines), keyboard)


def formal_list(payload: FeeFormalNoticeList, context: RenderContext) -> Rendered:
    lines = [
        _(
            "📜 Written notices to pay, %(courtyard)s, %(day)s: %(count)s "
            "household(s), deadline %(deadline)s."
        )
        % {
            "courtyard": h(payload.courtyard),
            "day": day(payload.issued_on),
            "count": len(payload.notices),
            "deadline": day(payload.deadline),
        }
    ]
    for notice in payload.notices[:LISTED_AT_MOST]:
        line = _("%(household)s: %(total)s, %(months)s") % {
            "household": h(notice.household),
            "total": money(notice.total_owed_fen),
            "months": months_text(notice.months),
        }
        if not notice.reachable:
            line += _(" (not on Telegram: please deliver on paper)")
        lines.append("• " + line)
    if len(payload.notices) > LISTED_AT_MOST:
        lines.append(_("… and %(more)s more.") % {"more": len(payload.notices) - LISTED_AT_MOST})
    found = formal_notice.attachment_for_list(payload)
    text, attachment = _with(
        "\n".join(lines), found, _("The printable notices are attached, one a page.")
    )
    return Rendered(text, attachment=attachment)


FEE_VISIT_TITLE = N_("Property fees of %(period)s")


def fee_visit_title(ref: str, gettext: Callable[[str], str]) -> str:
    """The visit list's title of a fee visit (its ref is the period)."""
    period = gettext("%(year)s/%(month)s") % {"year": ref[:4], "month": int(ref[5:7])}
    return gettext(FEE_VISIT_TITLE) % {"period": period}


VISIT_KINDS = {reminders.VISIT_KIND: fee_visit_title}

RENDERERS: Renderers = {
    FeeReminderMessage: reminder,
    FeeReminderAnswered: answered,
    FeeFormalNoticeList: formal_list,
}
