"""Ledger screens: the booking steps, a book's overview, the published months and their lines
with ❓, questions and answers, publishing. Short sentences, big buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from models import Category, EntryKind
from models.ledger import CATEGORIES_OF
from services.courtyards import CourtyardInfo
from services.ledger.disclosure import Published
from services.ledger.messages import LineFacts
from services.ledger.queries import LinePage, Overview
from services.ledger.verification import Verdict
from views.ledger import words
from views.ledger.callbacks import Ask, Book, BookStep, Decide, Month, Months
from views.text import h

Screen = tuple[str, InlineKeyboardMarkup | None]


def _button(text: str, data: Any) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _step(text: str, action: str, value: str = "") -> InlineKeyboardButton:
    return _button(text, BookStep(a=action, v=value))


def _keyboard(*rows: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(r) for r in rows if r])


def _cancel() -> list[InlineKeyboardButton]:
    return [_step(_("✖ Cancel"), "cancel")]


# ---- booking --------------------------------------------------------------------------------


def book_courtyards(choices: Sequence[CourtyardInfo]) -> Screen:
    rows = [[_step(c.name, "cy", str(c.id))] for c in choices]
    return _("Which courtyard's accounts?"), _keyboard(*rows, _cancel())


def ask_kind(courtyard: str) -> Screen:
    text = _("➕ A new entry for %(courtyard)s.\nIs it income or an expense?") % {
        "courtyard": h(courtyard)
    }
    return text, _keyboard(
        [_step(_("💰 Income"), "kind", "income"), _step(_("💸 Expense"), "kind", "expense")],
        _cancel(),
    )


def ask_category(kind: EntryKind) -> Screen:
    buttons = [_step(words.category(c.value), "cat", c.value) for c in CATEGORIES_OF[kind]]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return _("Which category?"), _keyboard(*rows, _cancel())


def ask_amount(category: Category) -> Screen:
    text = _("%(category)s\nHow much, in yuan? For example 1280 or 86.50.") % {
        "category": words.category(category.value)
    }
    return text, _keyboard(_cancel())


def ask_date(today: date) -> Screen:
    text = _("Which day? Tap Today, or write the date like %(example)s.") % {
        "example": today.isoformat()
    }
    return text, _keyboard([_step(_("📅 Today"), "today")], _cancel())


def ask_counterparty(kind: EntryKind) -> Screen:
    text = (
        _("Who paid it? (a name or company; or skip)")
        if kind is EntryKind.INCOME
        else _("Who was paid? (a name or company; or skip)")
    )
    return text, _keyboard([_step(_("⏭ Skip"), "skip")], _cancel())


def ask_description() -> Screen:
    return _("What was it for? A few words, e.g. «2号电梯维修»."), _keyboard(_cancel())


def ask_evidence(count: int) -> Screen:
    if count == 0:
        text = _("📎 Send photos or files of the invoice or contract, or go on without.")
        button = _("⏭ No evidence")
    else:
        text = _("📎 %(n)s received. Send more, or tap Done.") % {"n": count}
        button = _("✅ Done")
    return text, _keyboard([_step(button, "done")], _cancel())


def ask_ticket() -> Screen:
    return _("Is it for a repair ticket? Write its number (e.g. WSL-0001), or skip."), _keyboard(
        [_step(_("⏭ Skip"), "skip")], _cancel()
    )


def preview(data: dict[str, Any], courtyard: str) -> Screen:
    line = LineFacts(
        seq=0,
        booked_on=date.fromisoformat(data["booked_on"]),
        kind=data["kind"],
        category=data["category"],
        amount_fen=int(data["amount_fen"]),
        counterparty=data.get("counterparty", ""),
        description=data.get("description", ""),
    )
    lines = [
        _("Please check the entry for %(courtyard)s:") % {"courtyard": h(courtyard)},
        "",
        f"{words.kind(line.kind)} · {words.category(line.category)}",
        _("Amount: %(amount)s") % {"amount": words.money(line.amount_fen)},
        _("Date: %(date)s") % {"date": line.booked_on.isoformat()},
    ]
    if line.counterparty:
        lines.append(_("Counterparty: %(who)s") % {"who": h(line.counterparty)})
    lines.append(_("For: %(what)s") % {"what": h(line.description)})
    lines.append(_("Evidence: %(n)s") % {"n": len(data.get("evidence", []))})
    if data.get("ticket"):
        lines.append(_("Repair ticket: %(number)s") % {"number": h(data["ticket"])})
    lines += ["", _("An entry can never be changed later, only reversed.")]
    return "\n".join(lines), _keyboard([_step(_("✅ Book it"), "ok")], _cancel())


def booked(seq: int, needs_approval: bool) -> str:
    if needs_approval:
        return _(
            "Booked as entry #%(seq)s. It is above the approval limit: it counts once an admin "
            "approves it."
        ) % {"seq": seq}
    return _("Booked as entry #%(seq)s.") % {"seq": seq}


# ---- a book's overview (staff, supervisors) -------------------------------------------------


def ledger_courtyards(choices: Sequence[CourtyardInfo]) -> Screen:
    rows = [[_button(c.name, Book(c=c.id, a="show"))] for c in choices]
    return _("Which courtyard's accounts?"), _keyboard(*rows)


def overview(view: Overview, *, can_book: bool, can_approve: bool, months: Sequence[str]) -> Screen:
    lines = [
        _("🧾 <b>Accounts of %(courtyard)s</b>") % {"courtyard": h(view.courtyard)},
        _("%(n)s entries · chain head #%(seq)s %(fingerprint)s")
        % {"n": view.entries, "seq": view.head_seq, "fingerprint": view.fingerprint},
    ]
    rows: list[list[InlineKeyboardButton]] = []
    if view.waiting:
        lines += ["", _("⏳ Waiting for an admin's approval:")]
        for pending in view.waiting:
            lines.append(words.line_text(pending.line))
            lines.append(_("booked by %(name)s") % {"name": h(pending.booked_by)})
            if can_approve and not pending.own:
                rows.append(
                    [
                        _button(
                            _("✅ Approve #%(seq)s") % {"seq": pending.line.seq},
                            Decide(c=view.courtyard_id, s=pending.line.seq, ok=True),
                        ),
                        _button(
                            _("❌ Reject #%(seq)s") % {"seq": pending.line.seq},
                            Decide(c=view.courtyard_id, s=pending.line.seq, ok=False),
                        ),
                    ]
                )
    if view.months:
        lines += [
            "",
            _("📢 Published: %(months)s")
            % {"months": _(", ").join(f"{m.month} v{m.version}" for m in view.months)},
        ]
    if view.questions:
        lines += ["", _("❓ Questions:")]
        for q in view.questions:
            answer = h(q.answer) if q.answer else _("(not answered yet)")
            lines.append(f"#{q.line.seq} {h(q.question)} → {answer}")
    rows.append([_button(_("🔍 Verify the chain"), Book(c=view.courtyard_id, a="verify"))])
    rows.append(
        [
            _button(
                _("📄 Files of %(month)s") % {"month": m},
                Book(c=view.courtyard_id, a="export", m=m),
            )
            for m in months
        ]
    )
    if can_book:
        rows.append(
            [
                _button(
                    _("📢 Publish %(month)s") % {"month": m},
                    Book(c=view.courtyard_id, a="publish", m=m),
                )
                for m in months
            ]
        )
    return "\n".join(lines), _keyboard(*rows)


def reversed_by(original: int, correction: int) -> str:
    return _("Entry #%(original)s is reversed by entry #%(seq)s. The original stays as it was.") % {
        "original": original,
        "seq": correction,
    }


def decision_done(seq: int, *, approved: bool) -> str:
    if approved:
        return _("✅ Entry #%(seq)s approved: it counts now.") % {"seq": seq}
    return _("❌ Entry #%(seq)s rejected: it does not count.") % {"seq": seq}


def verdict(courtyard: str, found: Verdict) -> str:
    if found.ok:
        return _(
            "✅ The accounts of %(courtyard)s verify: %(n)s entries, chain head #%(seq)s "
            "%(fingerprint)s."
        ) % {
            "courtyard": h(courtyard),
            "n": found.entries,
            "seq": found.head_seq,
            "fingerprint": found.head_hash[:12],
        }
    return _(
        "🚨 The accounts of %(courtyard)s do NOT verify: entry #%(seq)s does not match "
        "(%(problem)s). Tell the supervision committee."
    ) % {
        "courtyard": h(courtyard),
        "seq": found.broken_seq,
        "problem": str(words.PROBLEMS.get(found.problem or "hash", found.problem)),
    }


def publish_preview(
    courtyard_id: int, courtyard: str, month: str, figures: dict[str, Any]
) -> Screen:
    text = "\n".join(
        [
            _("📢 Publish the accounts of %(courtyard)s for %(month)s?")
            % {"courtyard": h(courtyard), "month": month},
            _("Income %(income)s · expenses %(expense)s · balance %(balance)s")
            % {
                "income": words.money(int(figures["income_fen"])),
                "expense": words.money(int(figures["expense_fen"])),
                "balance": words.money(int(figures["balance_fen"])),
            },
            _("It goes to the residents' group as a picture and files, and cannot be taken back."),
        ]
    )
    return text, _keyboard(
        [_button(_("📢 Publish"), Book(c=courtyard_id, a="publish", m=month, ok=True))]
    )


def published(month: Published) -> str:
    return _(
        "Published %(month)s for %(courtyard)s (version %(version)s). The residents' group gets "
        "the picture and the files."
    ) % {"month": month.month, "courtyard": h(month.courtyard), "version": month.version}


# ---- residents: published months, lines, questions -----------------------------------------


def resident_courtyards(choices: Sequence[CourtyardInfo]) -> Screen:
    rows = [[_button(c.name, Months(c=c.id))] for c in choices]
    return _("Which courtyard?"), _keyboard(*rows)


def month_list(courtyard: str, months: Sequence[Published]) -> Screen:
    if not months:
        return _("%(courtyard)s has not published any accounts yet.") % {
            "courtyard": h(courtyard)
        }, None
    rows = [
        [
            _button(
                _("📒 %(month)s (version %(version)s)") % {"month": m.month, "version": m.version},
                Month(d=m.id),
            )
        ]
        for m in months
    ]
    return _("📒 Published accounts of %(courtyard)s. Which month?") % {
        "courtyard": h(courtyard)
    }, _keyboard(*rows)


def lines_page(found: LinePage) -> Screen:
    month = found.disclosure
    text = "\n\n".join(
        [
            _(
                "The lines of %(month)s (page %(page)s of %(pages)s). Tap ❓ to ask about one; "
                "your name is never published."
            )
            % {"month": month.month, "page": found.page + 1, "pages": found.pages},
            *(words.line_text(line) for line in found.lines),
        ]
    )
    rows = [
        [_button(f"❓ #{line.seq} {words.category(line.category)}", Ask(d=month.id, s=line.seq))]
        for line in found.lines
    ]
    turn = []
    if found.page > 0:
        turn.append(_button(_("◀ Back"), Month(d=month.id, p=found.page - 1, files=False)))
    if found.page + 1 < found.pages:
        turn.append(_button(_("Next ▶"), Month(d=month.id, p=found.page + 1, files=False)))
    return text, _keyboard(*rows, turn)


def ask_question(line: LineFacts) -> Screen:
    text = _("Your question about this line (a few words):\n%(line)s") % {
        "line": words.line_text(line)
    }
    return text, _keyboard(_cancel())


def question_sent() -> str:
    return _(
        "Thank you. Finance and the grid leader have your question. The answer will be "
        "published with the question, without your name."
    )


def ask_answer(line: LineFacts, question: str) -> Screen:
    text = _("Your answer to:\n%(line)s\n❓ %(question)s") % {
        "line": words.line_text(line),
        "question": h(question),
    }
    return text, _keyboard(_cancel())


def answer_sent() -> str:
    return _("Thank you. The answer is published with the question (without the asker's name).")
