"""The printable formal notice to pay (催告函): one A4 page per household, in the recipient's
language, built at send time with the shared PDF maker. Polite and lawful: the amount, the
months, the deadline, and that the center may then apply for mediation or arbitration or go
to court as the law allows; nothing else is threatened (Civil Code Art. 944)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from services.fees.reminder_messages import FeeFormalNoticeList, FeeReminderMessage, FormalNotice
from services.fees.reminder_settings import FORMAL_DEADLINE_DAYS
from views.fees.reminder_words import day, money, months
from views.outbox import Attachment
from views.text import h

PAGE_BREAK = '<div style="page-break-after: always"></div>'


def title() -> str:
    return _("Written notice to pay property service fees")


def page_html(notice: FormalNotice, courtyard: str, issued: str, deadline: str) -> str:
    """One notice as HTML paragraphs (every value escaped)."""
    to = h(notice.household)
    if notice.owner_name:
        to = f"{to} ({h(notice.owner_name)})"
    values = {
        "household": to,
        "courtyard": h(courtyard),
        "total": money(notice.total_owed_fen),
        "count": len(notice.months),
        "months": months(notice.months),
        "deadline": deadline,
        "issued": issued,
        "days": FORMAL_DEADLINE_DAYS,
    }
    paragraphs = [
        _("To the household %(household)s, %(courtyard)s:"),
        _(
            "Our records show %(total)s of property service fees unpaid for %(count)s "
            "month(s): %(months)s."
        ),
        _("We kindly ask you to pay the amount within %(days)s days, by %(deadline)s."),
        _(
            "If you disagree with the amount or with our service, please tell us before then: "
            "answer in the bot, or come to the service center's office. We will look into it."
        ),
        _(
            "If the fees remain unpaid after that date, the service center may apply for "
            "mediation or arbitration, or bring a claim in court, as the law allows."
        ),
        _("If you have paid in the meantime, thank you, and please ignore this notice."),
        _("Service center of %(courtyard)s, %(issued)s"),
    ]
    return "".join(f"<p>{p % values}</p>" for p in paragraphs)


def _pdf(pages: list[str]) -> tuple[bytes | None, str | None]:
    """The PDF, or why it cannot be made on this server (one line)."""
    from views.documents.errors import DocumentsUnavailable, explain
    from views.documents.pdf import pdf_from_html

    try:
        return pdf_from_html(title(), PAGE_BREAK.join(pages)), None
    except DocumentsUnavailable as missing:
        return None, explain(missing, _)


def attachment_for(p: FeeReminderMessage) -> tuple[Attachment | None, str | None]:
    notice = FormalNotice(
        household=p.household,
        owner_name=None,
        total_owed_fen=p.total_owed_fen,
        months=p.months,
        reachable=True,
    )
    deadline = day(p.deadline) if p.deadline else ""
    data, why = _pdf([page_html(notice, p.courtyard, day(p.issued_on), deadline)])
    return _file(data, _("notice-%(household)s-%(period)s.pdf"), p.household, p.period), why


def attachment_for_list(p: FeeFormalNoticeList) -> tuple[Attachment | None, str | None]:
    pages = [page_html(n, p.courtyard, day(p.issued_on), day(p.deadline)) for n in p.notices]
    data, why = _pdf(pages)
    return _file(data, _("notices-%(household)s-%(period)s.pdf"), p.courtyard, p.period), why


def _file(data: bytes | None, name: str, who: str, period: str) -> Attachment | None:
    if data is None:
        return None
    return Attachment(data, name % {"household": who, "period": period})
