"""The ledger's outbox kinds and the view that renders each (at send time, in the recipient's
language): approvals, decisions, the published month (picture and files), questions, answers,
a broken chain."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.ledger.messages import (
    LedgerApprovalNeeded,
    LedgerChainBroken,
    LedgerDecided,
    LedgerDisclosure,
    LedgerQuestionAnswered,
    LedgerQuestionAsked,
)
from views.documents.errors import DocumentsUnavailable, explain
from views.ledger import documents, picture, words
from views.ledger.callbacks import Answer, Decide, Proof
from views.outbox import Attachment, RenderContext, Rendered, Renderers
from views.text import h


def approval_needed(payload: LedgerApprovalNeeded, _context: RenderContext) -> Rendered:
    text = _(
        "⏳ <b>An expense waits for your approval</b> (%(courtyard)s, above %(limit)s):\n"
        "%(line)s\nbooked by %(name)s"
    ) % {
        "courtyard": h(payload.courtyard),
        "limit": words.money(payload.threshold_fen),
        "line": words.line_text(payload.line),
        "name": h(payload.booked_by),
    }
    seq = payload.line.seq
    proof = []
    if payload.evidence:
        proof = [
            [
                InlineKeyboardButton(
                    text=_("📎 Invoice and files (%(n)s)") % {"n": payload.evidence},
                    callback_data=Proof(c=payload.courtyard_id, s=seq).pack(),
                )
            ]
        ]
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            *proof,
            [
                InlineKeyboardButton(
                    text=_("✅ Approve #%(seq)s") % {"seq": seq},
                    callback_data=Decide(c=payload.courtyard_id, s=seq, ok=True).pack(),
                ),
                InlineKeyboardButton(
                    text=_("❌ Reject #%(seq)s") % {"seq": seq},
                    callback_data=Decide(c=payload.courtyard_id, s=seq, ok=False).pack(),
                ),
            ],
        ]
    )
    return Rendered(text, reply_markup=keyboard)


def decided(payload: LedgerDecided, _context: RenderContext) -> Rendered:
    template = (
        _("✅ %(name)s approved entry #%(seq)s (%(courtyard)s): it counts now.")
        if payload.approved
        else _("❌ %(name)s rejected entry #%(seq)s (%(courtyard)s): it does not count.")
    )
    text = template % {
        "name": h(payload.by),
        "seq": payload.line.seq,
        "courtyard": h(payload.courtyard),
    }
    if payload.note:
        text += "\n" + h(payload.note)
    return Rendered(text)


def summary_text(payload: LedgerDisclosure) -> str:
    f = payload.figures
    lines = [
        _("📢 <b>%(title)s</b>") % {"title": h(documents.title(payload))},
        _("Income %(income)s · expenses %(expense)s · balance of the month %(balance)s")
        % {
            "income": words.money(int(f["income_fen"])),
            "expense": words.money(int(f["expense_fen"])),
            "balance": words.money(int(f["balance_fen"])),
        },
        _("Running balance %(closing)s · %(lines)s lines")
        % {"closing": words.money(int(f["closing_fen"])), "lines": f["lines"]},
        _("Chain head #%(seq)s, fingerprint %(fingerprint)s")
        % {"seq": payload.head_seq, "fingerprint": payload.fingerprint},
    ]
    changes = payload.changes
    if changes:
        lines.append(_("What changed since version %(v)s:") % {"v": payload.version - 1})
        for kind, category, before, after in changes.get("categories", []):
            lines.append(
                f"· {words.kind(kind)} · {words.category(category)}: "
                f"{words.money(before)} → {words.money(after)}"
            )
        if changes.get("added"):
            lines.append(
                _("· new lines: %(seqs)s")
                % {"seqs": _(", ").join(f"#{s}" for s in changes["added"])}
            )
        if changes.get("removed"):
            lines.append(
                _("· lines no longer counted: %(seqs)s")
                % {"seqs": _(", ").join(f"#{s}" for s in changes["removed"])}
            )
    lines.append(
        _("Questions? Tap 📒 Accounts in the bot by %(date)s and ❓ on a line.")
        % {"date": payload.questions_until.isoformat()}
    )
    return "\n".join(lines)


def disclosure(payload: LedgerDisclosure, _context: RenderContext) -> Rendered:
    """The picture with the summary as its caption, or one of the two files."""
    try:
        if payload.part == "summary":
            png = picture.month_png(payload)
            return Rendered(
                summary_text(payload),
                attachment=Attachment(png, documents.filename(payload, "png"), as_photo=True),
            )
        data = documents.xlsx(payload) if payload.part == "xlsx" else documents.pdf(payload)
    except DocumentsUnavailable as missing:
        shown = summary_text(payload) if payload.part == "summary" else ""
        return Rendered("\n\n".join(t for t in (shown, h(explain(missing, _))) if t))
    caption = _("Detailed lines of %(month)s (%(format)s)") % {
        "month": payload.month,
        "format": payload.part.upper(),
    }
    return Rendered(caption, attachment=Attachment(data, documents.filename(payload, payload.part)))


def question(payload: LedgerQuestionAsked, _context: RenderContext) -> Rendered:
    text = _("❓ <b>A resident asks</b> (%(courtyard)s) about:\n%(line)s\n\n%(question)s") % {
        "courtyard": h(payload.courtyard),
        "line": words.line_text(payload.line),
        "question": h(payload.question),
    }
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✍ Answer"), callback_data=Answer(q=payload.question_id).pack()
                )
            ]
        ]
    )
    return Rendered(text, reply_markup=keyboard)


def answer(payload: LedgerQuestionAnswered, _context: RenderContext) -> Rendered:
    text = _(
        "💬 <b>Question and answer about the accounts</b> (%(courtyard)s)\n%(line)s\n\n"
        "❓ %(question)s\n💬 %(answer)s"
    ) % {
        "courtyard": h(payload.courtyard),
        "line": words.line_text(payload.line),
        "question": h(payload.question),
        "answer": h(payload.answer),
    }
    return Rendered(text)


def chain_broken(payload: LedgerChainBroken, _context: RenderContext) -> Rendered:
    text = _(
        "🚨 <b>The accounts of %(courtyard)s do not verify</b> (check of %(day)s): entry "
        "#%(seq)s does not match: %(problem)s. Please look into it."
    ) % {
        "courtyard": h(payload.courtyard),
        "day": payload.day.isoformat(),
        "seq": payload.seq,
        "problem": str(words.PROBLEMS.get(payload.problem, payload.problem)),
    }
    return Rendered(text)


RENDERERS: Renderers = {
    LedgerApprovalNeeded: approval_needed,
    LedgerDecided: decided,
    LedgerDisclosure: disclosure,
    LedgerQuestionAsked: question,
    LedgerQuestionAnswered: answer,
    LedgerChainBroken: chain_broken,
}
