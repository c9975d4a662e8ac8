"""The courtyard ledger (账目): append-only, tamper-evident entries per courtyard, their links to
what caused them (fee payments, a repair ticket, another entry), their evidence (Telegram file
ids), admins' approvals of large expenses, and the monthly disclosures (公示).

Append-only is kept by the database itself: triggers refuse every UPDATE and DELETE on the
tables in `APPEND_ONLY` (PostgreSQL: a plpgsql function that raises; SQLite: RAISE(ABORT)).
The migration creates them; for a schema built from this metadata (`create_all`) the DDL events
below create the same triggers, so both paths refuse changes alike.

Each entry stores `prev_hash` (the hash of the courtyard's previous entry, or 64 zeros for
the first) and `hash` = SHA-256(prev_hash || canonical content) (services.ledger.chain).
`LedgerBook` is the one mutable row per courtyard: the chain's head (last seq and hash), locked
by every append so two appends never fork the chain, and the approval threshold.

Money in fen (integers, > 0); a reversing entry carries the same kind and category as the entry
it reverses and counts with the opposite sign."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

GENESIS = "0" * 64  # the prev_hash of a courtyard's first entry
DEFAULT_APPROVAL_THRESHOLD_FEN = 200_000  # ¥2,000: larger expenses need an admin's approval


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class EntryKind(enum.StrEnum):
    INCOME = "income"  # 收入
    EXPENSE = "expense"  # 支出


class Category(enum.StrEnum):
    PROPERTY_FEES = "property_fees"  # 物业费
    PARKING_FEES = "parking_fees"  # 车位管理费
    OTHER_INCOME = "other_income"  # 其他收入
    CLEANING = "cleaning"  # 保洁
    SECURITY = "security"  # 秩序维护 / 保安
    REPAIRS = "repairs"  # 维修及材料
    LIFTS = "lifts"  # 电梯
    UTILITIES = "utilities"  # 公共水电
    WAGES = "wages"  # 人员工资
    OTHER_EXPENSE = "other_expense"  # 其他支出


INCOME_CATEGORIES = (Category.PROPERTY_FEES, Category.PARKING_FEES, Category.OTHER_INCOME)
EXPENSE_CATEGORIES = (
    Category.CLEANING,
    Category.SECURITY,
    Category.REPAIRS,
    Category.LIFTS,
    Category.UTILITIES,
    Category.WAGES,
    Category.OTHER_EXPENSE,
)
CATEGORIES_OF: dict[EntryKind, tuple[Category, ...]] = {
    EntryKind.INCOME: INCOME_CATEGORIES,
    EntryKind.EXPENSE: EXPENSE_CATEGORIES,
}


class EntrySource(enum.StrEnum):
    MANUAL = "manual"  # booked by finance
    FEES = "fees"  # posted from fee payments by the daily sweep


class LinkKind(enum.StrEnum):
    PAYMENT = "payment"  # a fee payment this entry sums
    PAYMENT_REVERSAL = "payment_reversal"  # a reversed payment this entry takes back
    TICKET = "ticket"  # the repair ticket this expense paid for
    ENTRY = "entry"  # another entry it relates to


class EvidenceKind(enum.StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


class Decision(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class LedgerBook(Base):
    """A courtyard's book: the chain's head (locked by each append) and its approval rule."""

    __tablename__ = "ledger_books"

    courtyard_id: Mapped[int] = mapped_column(
        ForeignKey("courtyards.id"), primary_key=True, autoincrement=False
    )
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    approval_threshold_fen: Mapped[int] = mapped_column(
        BigInteger, default=DEFAULT_APPROVAL_THRESHOLD_FEN
    )


class LedgerEntry(Base):
    """One line of a courtyard's accounts. Never updated or deleted (the database refuses)."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("courtyard_id", "seq"),
        Index("ix_ledger_entries_courtyard_booked", "courtyard_id", "booked_on"),
        Index("ix_ledger_entries_reverses", "reverses_entry_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("seq > 0", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id"))
    seq: Mapped[int]
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind))
    category: Mapped[Category] = mapped_column(_enum(Category))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    booked_on: Mapped[date] = mapped_column(Date)
    counterparty: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[EntrySource] = mapped_column(_enum(EntrySource))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    reverses_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    reason: Mapped[str | None] = mapped_column(String(300))
    # frozen at booking: the expense was above the courtyard's threshold then
    needs_approval: Mapped[bool] = mapped_column(default=False)
    # what a re-run of the fee sweep would write again (unique): fees:<day>:<method>:<payment>
    dedupe_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LedgerLink(Base):
    """What caused an entry: exactly one of a payment, a ticket or another entry. A payment is
    summed by at most one entry and taken back by at most one (unique (kind, payment))."""

    __tablename__ = "ledger_links"
    __table_args__ = (
        UniqueConstraint("kind", "payment_id"),
        Index("ix_ledger_links_entry", "entry_id"),
        CheckConstraint(
            "(CASE WHEN payment_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN ticket_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN linked_entry_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    kind: Mapped[LinkKind] = mapped_column(_enum(LinkKind))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    linked_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))


class LedgerEvidence(Base):
    """A photo or file (invoice, contract) kept as its Telegram file id."""

    __tablename__ = "ledger_evidence"
    __table_args__ = (Index("ix_ledger_evidence_entry", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    kind: Mapped[EvidenceKind] = mapped_column(_enum(EvidenceKind))
    file_id: Mapped[str] = mapped_column(String(200))


class LedgerApproval(Base):
    """An admin's decision on a large expense: its own row, never an edit of the entry.
    `hash` = SHA-256(entry hash || canonical decision), so it is bound to that entry."""

    __tablename__ = "ledger_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id"))
    decision: Mapped[Decision] = mapped_column(_enum(Decision))
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(String(300), default="")
    hash: Mapped[str] = mapped_column(String(64))


class LedgerDisclosure(Base):
    """A published month (公示), versioned: a later correction is version 2, saying what
    changed. `figures` holds the published numbers as integers (see services.ledger.report)."""

    __tablename__ = "ledger_disclosures"
    __table_args__ = (UniqueConstraint("courtyard_id", "month", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id"))
    month: Mapped[str] = mapped_column(String(7))  # 'YYYY-MM'
    version: Mapped[int]
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    head_seq: Mapped[int]
    head_hash: Mapped[str] = mapped_column(String(64))
    questions_until: Mapped[date] = mapped_column(Date)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime]


class LedgerQuestion(Base):
    """A resident's question about a published line, and finance's (or a grid leader's)
    answer. The answer is published with the question, never with the asker's name."""

    __tablename__ = "ledger_questions"
    __table_args__ = (Index("ix_ledger_questions_courtyard", "courtyard_id", "asked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    asked_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str | None] = mapped_column(String(1000))
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]


APPEND_ONLY = (
    "ledger_entries",
    "ledger_links",
    "ledger_evidence",
    "ledger_approvals",
    "ledger_disclosures",
)

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$
"""


def guard_statements(table: str, dialect: str) -> list[str]:
    """The statements that make `table` refuse UPDATE and DELETE (after the PostgreSQL
    function `REFUSE_FUNCTION` exists). The migration spells out the same text."""
    if dialect == "postgresql":
        return [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
        ]
    return [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN "
        f"SELECT RAISE(ABORT, 'ledger rows are append-only: {op} on {table} refused'); END"
        for op in ("UPDATE", "DELETE")
    ]


def _ddl(statement: str, dialect: str) -> DDL:
    ddl: DDL = DDL(statement.replace("%", "%%"))  # type: ignore[no-untyped-call]
    return ddl.execute_if(dialect=dialect)


def _guard(table: Table) -> None:
    event.listen(table, "after_create", _ddl(REFUSE_FUNCTION, "postgresql"))
    for dialect in ("postgresql", "sqlite"):
        for statement in guard_statements(table.name, dialect):
            event.listen(table, "after_create", _ddl(statement, dialect))


for _model in (LedgerEntry, LedgerLink, LedgerEvidence, LedgerApproval, LedgerDisclosure):
    _guard(_model.__table__)  # type: ignore[arg-type]
