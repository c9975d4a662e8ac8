"""Reading notices later: a resident's 📢 通知公告 (the notices out in their courtyards for
their households, newest first) and an author's 我发的通知 with its live counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Courtyard, Notice, NoticeAck, NoticeStatus
from services.access import Actor
from services.errors import NotFound
from services.notices import acks, lifecycle, scopes
from services.notices.errors import NotForYou, NotYourNotice
from services.notices.messages import NoticeInfo

PAGE_SIZE = 5  # notices on one page; ◀ ▶ turn the pages


@dataclass(frozen=True)
class Page:
    number: int  # from 0
    total: int
    size: int = PAGE_SIZE

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number + 1 < self.count


def _page(requested: int, total: int) -> Page:
    last = max(0, -(-total // PAGE_SIZE) - 1)
    return Page(min(max(requested, 0), last), total)


@dataclass(frozen=True)
class NoticeLine:
    id: int
    courtyard: str
    text: str
    urgent: bool
    status: NoticeStatus
    goes_out_at: datetime | None
    needs_ack: bool
    acknowledged: bool = False  # by the reader (residents' list)


def _out_by(now: datetime) -> ColumnElement[bool]:
    return and_(
        Notice.status.in_([NoticeStatus.SCHEDULED, NoticeStatus.SENT]), Notice.goes_out_at <= now
    )


async def recent_for(
    session: AsyncSession, actor: Actor, now: datetime, page: int = 0
) -> tuple[list[NoticeLine], Page]:
    """The notices out for this person's households, newest first, a page of them."""
    where = [_out_by(now), scopes.reaches(list(actor.households))]
    total = int(await session.scalar(select(func.count()).select_from(Notice).where(*where)) or 0)
    at = _page(page, total)
    acked = (
        select(NoticeAck.id)
        .where(NoticeAck.notice_id == Notice.id, NoticeAck.user_id == actor.user_id)
        .exists()
    )
    rows = (
        await session.execute(
            select(Notice, Courtyard.name, acked)
            .join(Courtyard, Courtyard.id == Notice.courtyard_id)
            .where(*where)
            .order_by(Notice.goes_out_at.desc(), Notice.id.desc())
            .offset(at.number * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    ).all()
    return [_line(n, name, bool(a)) for n, name, a in rows], at


def _line(notice: Notice, courtyard: str, acknowledged: bool = False) -> NoticeLine:
    return NoticeLine(
        id=notice.id,
        courtyard=courtyard,
        text=notice.text,
        urgent=notice.urgent,
        status=notice.status,
        goes_out_at=notice.goes_out_at,
        needs_ack=notice.needs_ack,
        acknowledged=acknowledged,
    )


async def read(
    session: AsyncSession, actor: Actor, notice_id: int, now: datetime
) -> tuple[NoticeInfo, bool]:
    """One notice as a resident of its scope (or its author) sees it; whether they acked."""
    notice = await session.get(Notice, notice_id)
    if notice is None:
        raise NotFound()
    mine = notice.author_id == actor.user_id
    if not mine:
        reachable = await session.scalar(
            select(Notice.id).where(
                Notice.id == notice_id, _out_by(now), scopes.reaches(list(actor.households))
            )
        )
        if reachable is None:
            raise NotForYou()
    acked = await session.scalar(
        select(NoticeAck.id).where(
            NoticeAck.notice_id == notice_id, NoticeAck.user_id == actor.user_id
        )
    )
    return await lifecycle.info(session, notice), acked is not None


async def mine(session: AsyncSession, actor: Actor, page: int = 0) -> tuple[list[NoticeLine], Page]:
    """我发的通知: what this person sent or scheduled (not drafts), newest first."""
    where = [
        Notice.author_id == actor.user_id,
        Notice.status != NoticeStatus.DRAFT,
    ]
    total = int(await session.scalar(select(func.count()).select_from(Notice).where(*where)) or 0)
    at = _page(page, total)
    rows = (
        await session.execute(
            select(Notice, Courtyard.name)
            .join(Courtyard, Courtyard.id == Notice.courtyard_id)
            .where(*where)
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .offset(at.number * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    ).all()
    return [_line(n, name) for n, name in rows], at


@dataclass(frozen=True)
class AuthorView:
    notice: NoticeInfo
    status: NoticeStatus
    counts: acks.Counts
    deadline_passed: bool
    reminded: bool
    # after the deadline: the households that did not acknowledge (private, for the author)
    missing: tuple[str, ...]
    withdrawable: bool


async def for_author(
    session: AsyncSession, actor: Actor, notice_id: int, now: datetime
) -> AuthorView:
    notice = await lifecycle.get(session, notice_id)
    if notice.author_id != actor.user_id:
        raise NotYourNotice()
    counts = await acks.counts(session, notice)
    passed = bool(
        notice.needs_ack and notice.ack_deadline is not None and notice.ack_deadline <= now
    )
    missing: tuple[str, ...] = ()
    if passed:
        scope = await scopes.scope_of(session, notice)
        missing = tuple(await acks.not_acknowledged(session, scope, notice.id))
    return AuthorView(
        notice=await lifecycle.info(session, notice),
        status=notice.status,
        counts=counts,
        deadline_passed=passed,
        reminded=notice.reminded_at is not None,
        missing=missing,
        withdrawable=notice.status is NoticeStatus.SCHEDULED
        and notice.goes_out_at is not None
        and now < notice.goes_out_at,
    )
