"""Residents ask about a published line; finance (or the grid leader) answers; the answer is
published with the question to the residents' group and the asker, never with a name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, GroupKind, LedgerEntry, LedgerQuestion
from services import audiences, events, outbox
from services.access import Actor, Role
from services.errors import NotFound
from services.ledger import disclosure
from services.ledger.booking import READERS, check_serves
from services.ledger.errors import AlreadyAnswered, AnswerRequired, QuestionRequired
from services.ledger.messages import LedgerQuestionAnswered, LedgerQuestionAsked, LineFacts
from services.ledger.notify import facts
from services.outbox import Recipient
from services.policy import Policy

ANSWERERS = (Role.FINANCE, Role.GRID_LEADER, Role.ADMIN)
MAX_QUESTION = 500
MAX_ANSWER = 1000


def _clean(text: str | None, limit: int) -> str | None:
    cleaned = " ".join((text or "").split())
    return cleaned if cleaned and len(cleaned) <= limit else None


async def ask(
    session: AsyncSession,
    actor: Actor,
    disclosure_id: int,
    seq: int,
    text: str | None,
    *,
    now: datetime,
    policy: Policy | None = None,
) -> LedgerQuestion:
    published = await disclosure.one(session, actor, disclosure_id)
    await check_serves(session, actor, published.courtyard_id, (Role.RESIDENT,))
    line = await disclosure.published_line(session, actor, disclosure_id, seq)
    question_text = _clean(text, MAX_QUESTION)
    if question_text is None:
        raise QuestionRequired()
    entry_id = await session.scalar(
        select(LedgerEntry.id).where(
            LedgerEntry.courtyard_id == published.courtyard_id, LedgerEntry.seq == seq
        )
    )
    assert entry_id is not None
    question = LedgerQuestion(
        courtyard_id=published.courtyard_id,
        entry_id=entry_id,
        asked_by=actor.user_id,
        asked_at=now,
        text=question_text,
    )
    session.add(question)
    await session.flush()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="ledger_question",
        subject_id=question.id,
        action="ledger_question_asked",
        courtyard_id=published.courtyard_id,
        to_state="asked",
        data={"seq": seq},
    )
    staff = [
        *await audiences.staff(session, Role.FINANCE, published.courtyard_id),
        *await audiences.grid_leaders(session, published.courtyard_id),
    ]
    await outbox.enqueue_many(
        session,
        LedgerQuestionAsked(
            question_id=question.id,
            courtyard=published.courtyard,
            line=line,
            question=question_text,
        ),
        [r for r in staff if r.user_id != actor.user_id],
        dedupe_key=lambda r: f"ledger-question:{question.id}:{r.key}",
        now=now,
        quiet=policy.quiet_for(LedgerQuestionAsked.kind) if policy else None,
    )
    return question


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    courtyard_id: int
    courtyard: str
    line: LineFacts
    question: str
    answer: str | None
    asked_at: datetime
    answered_at: datetime | None


async def _info(session: AsyncSession, question: LedgerQuestion) -> QuestionInfo:
    entry = await session.get(LedgerEntry, question.entry_id)
    courtyard = await session.get(Courtyard, question.courtyard_id)
    assert entry is not None
    assert courtyard is not None
    return QuestionInfo(
        question.id,
        question.courtyard_id,
        courtyard.name,
        facts(entry),
        question.text,
        question.answer,
        question.asked_at,
        question.answered_at,
    )


async def detail(session: AsyncSession, actor: Actor, question_id: int) -> QuestionInfo:
    question = await session.get(LedgerQuestion, question_id)
    if question is None:
        raise NotFound()
    await check_serves(session, actor, question.courtyard_id, (*ANSWERERS, Role.SUPERVISOR))
    return await _info(session, question)


async def answer(
    session: AsyncSession,
    actor: Actor,
    question_id: int,
    text: str | None,
    *,
    now: datetime,
    policy: Policy | None = None,
) -> QuestionInfo:
    question = await session.get(LedgerQuestion, question_id, with_for_update=True)
    if question is None:
        raise NotFound()
    await check_serves(session, actor, question.courtyard_id, ANSWERERS)
    if question.answer is not None:
        raise AlreadyAnswered()
    answer_text = _clean(text, MAX_ANSWER)
    if answer_text is None:
        raise AnswerRequired()
    question.answer, question.answered_by, question.answered_at = answer_text, actor.user_id, now
    await session.flush()
    events.record(
        session,
        at=now,
        actor=actor,
        subject_type="ledger_question",
        subject_id=question.id,
        action="ledger_question_answered",
        courtyard_id=question.courtyard_id,
        from_state="asked",
        to_state="answered",
    )
    info = await _info(session, question)
    groups = await audiences.group_chats(session, question.courtyard_id, GroupKind.RESIDENTS)
    await outbox.enqueue_many(
        session,
        LedgerQuestionAnswered(
            question_id=question.id,
            courtyard=info.courtyard,
            line=info.line,
            question=info.question,
            answer=answer_text,
        ),
        [*groups, Recipient(user_id=question.asked_by)],
        dedupe_key=lambda r: f"ledger-answer:{question.id}:{r.key}",
        now=now,
        quiet=policy.quiet_for(LedgerQuestionAnswered.kind) if policy else None,
    )
    return info


async def listing(
    session: AsyncSession, actor: Actor, courtyard_id: int, *, limit: int = 20
) -> list[QuestionInfo]:
    """The courtyard's questions, newest first (staff and supervisors)."""
    await check_serves(session, actor, courtyard_id, (*ANSWERERS, *READERS))
    rows = await session.scalars(
        select(LedgerQuestion)
        .where(LedgerQuestion.courtyard_id == courtyard_id)
        .order_by(LedgerQuestion.asked_at.desc(), LedgerQuestion.id.desc())
        .limit(limit)
    )
    return [await _info(session, q) for q in rows]
