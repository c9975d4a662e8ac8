"""The vote kinds of the outbox, rendered at send time in the recipient's language."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from services.votes.messages import (
    BallotConflictNotice,
    Participation,
    VoteAnnounced,
    VoteBrief,
    VoteGroupCard,
    VoteReminder,
    VoteResult,
)
from services.votes.rules import thresholds
from views.documents.errors import DocumentsUnavailable
from views.outbox import Attachment, RenderContext, Rendered, Renderers
from views.text import h
from views.votes import documents, words
from views.votes.callbacks import GroupTap, OpenBallot


def _ballot_button(vote: VoteBrief) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("🗳 Vote now"), callback_data=OpenBallot(v=vote.id).pack())]
        ]
    )


def participation(p: Participation) -> str:
    return _("Voted so far: %(heads)s of %(total)s households, %(area)s of %(total_area)s m².") % {
        "heads": p.heads,
        "total": p.total_heads,
        "area": words.area(p.area),
        "total_area": words.area(p.total_area),
    }


def announced(payload: VoteAnnounced, context: RenderContext) -> Rendered:
    vote = payload.vote
    lines = [
        _("🗳 <b>A vote for your household: %(title)s</b>") % {"title": h(vote.title)},
        h(payload.text) if payload.text else "",
        words.rule(vote.rule, vote.matter),
        _("Voting closes %(when)s.") % {"when": words.when(vote.closes_at, context.timezone)},
        _("Tap the button to see what each plan costs your home, and to vote."),
    ]
    return Rendered("\n\n".join(x for x in lines if x), _ballot_button(vote))


def group_card(payload: VoteGroupCard, context: RenderContext) -> Rendered:
    vote = payload.vote
    head = (
        _("🗳 <b>Vote closed: %(title)s</b>") if payload.closed else _("🗳 <b>Vote: %(title)s</b>")
    ) % {"title": h(vote.title)}
    lines = [head, participation(payload.participation)]
    markup = None
    if not payload.closed:
        lines.append(
            _("Closes %(when)s. Each household votes in private: tap the button.")
            % {"when": words.when(vote.closes_at, context.timezone)}
        )
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=_("🗳 Vote in private"), callback_data=GroupTap(v=vote.id).pack()
                    )
                ]
            ]
        )
    return Rendered("\n".join(lines), markup, edit_message_id=payload.edit_message_id)


def reminder(payload: VoteReminder, context: RenderContext) -> Rendered:
    vote = payload.vote
    text = _(
        "⏰ Your household has not voted yet on <b>%(title)s</b>. Voting closes in %(left)s "
        "(%(when)s)."
    ) % {
        "title": h(vote.title),
        "left": str(words.STAGES[payload.stage]),
        "when": words.when(vote.closes_at, context.timezone),
    }
    return Rendered(text, _ballot_button(vote))


def result(payload: VoteResult, context: RenderContext) -> Rendered:
    vote, p = payload.vote, payload.participation
    lines = [
        _("📣 <b>Result of the vote: %(title)s</b>") % {"title": h(vote.title)},
        words.rule(vote.rule, vote.matter),
        participation(p),
    ]
    lines.extend(
        _("%(n)s. %(text)s: %(heads)s households, %(area)s m²")
        % {
            "n": option.position,
            "text": h(option.text),
            "heads": option.heads,
            "area": words.area(option.area),
        }
        for option in payload.options
    )
    outcome = str(words.OUTCOMES.get(payload.outcome, payload.outcome))
    if payload.winner is not None:
        lines.append(
            _("Outcome: option %(n)s %(outcome)s.") % {"n": payload.winner, "outcome": outcome}
        )
    else:
        lines.append(_("Outcome: %(outcome)s.") % {"outcome": outcome})
    if payload.early_reason:
        lines.append(_("Closed early: %(reason)s") % {"reason": h(payload.early_reason)})
    lines.append(
        _("This is the preliminary result. Objections to your grid leader until %(when)s.")
        % {"when": words.when(payload.objection_until, context.timezone)}
    )
    return Rendered("\n".join(lines), attachment=_chart(payload) if payload.with_chart else None)


def _chart(payload: VoteResult) -> Attachment | None:
    """The result's chart as a photo; without it (the text alone) where it cannot be drawn."""
    rules = thresholds(payload.vote.rule, payload.vote.matter)
    try:
        png = documents.chart(
            payload.vote.title,
            [(o.position, o.text, o.heads, o.area) for o in payload.options],
            payload.participation.heads,
            payload.participation.area,
            rules.approval,
            rules.by_area,
        )
    except DocumentsUnavailable:
        return None
    return Attachment(png, f"vote-{payload.vote.id}.png", as_photo=True)


def conflict(payload: BallotConflictNotice, context: RenderContext) -> Rendered:
    text = _(
        "⚠️ A second ballot for %(room)s in <b>%(title)s</b> (%(refused)s) was not counted: "
        "the first one (%(kept)s) stands. %(same)s"
    ) % {
        "room": h(payload.room),
        "title": h(payload.vote.title),
        "refused": str(words.CHANNELS[payload.refused_channel]),
        "kept": str(words.CHANNELS[payload.kept_channel]),
        "same": _("Both chose the same option.")
        if payload.same_choice
        else _("They chose different options: please talk to the household."),
    }
    return Rendered(text)


RENDERERS: Renderers = {
    VoteAnnounced: announced,
    VoteGroupCard: group_card,
    VoteReminder: reminder,
    VoteResult: result,
    BallotConflictNotice: conflict,
}
