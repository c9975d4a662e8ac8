"""ledger: books, append-only entries, links, evidence, approvals, disclosures, questions

The append-only tables get triggers that refuse UPDATE and DELETE (PostgreSQL: a plpgsql
function that raises; SQLite: RAISE(ABORT)); the text is frozen here, the same as
models.ledger.guard_statements writes for a schema built from the models.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 02:01:16
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)

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


def _guard(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'ledger rows are append-only: {action} on {table} refused'); END"
        )


def upgrade() -> None:
    op.create_table(
        "ledger_books",
        sa.Column("courtyard_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("approval_threshold_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_ledger_books_courtyard_id_courtyards"),
        ),
        sa.PrimaryKeyConstraint("courtyard_id", name=op.f("pk_ledger_books")),
    )
    op.create_table(
        "ledger_disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("questions_until", sa.Date(), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_ledger_disclosures_courtyard_id_courtyards"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_ledger_disclosures_published_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_disclosures")),
        sa.UniqueConstraint(
            "courtyard_id",
            "month",
            "version",
            name=op.f("uq_ledger_disclosures_courtyard_id_month_version"),
        ),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("income", "expense", name="entrykind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "category",
            sa.Enum(
                "property_fees",
                "parking_fees",
                "other_income",
                "cleaning",
                "security",
                "repairs",
                "lifts",
                "utilities",
                "wages",
                "other_expense",
                name="category",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("counterparty", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("manual", "fees", name="entrysource", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("reverses_entry_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("needs_approval", sa.Boolean(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=80), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_ledger_entries_amount_positive")),
        sa.CheckConstraint("seq > 0", name=op.f("ck_ledger_entries_seq_positive")),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_ledger_entries_courtyard_id_courtyards"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_ledger_entries_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_entries_reverses_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("courtyard_id", "seq", name=op.f("uq_ledger_entries_courtyard_id_seq")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_ledger_entries_dedupe_key")),
    )
    op.create_index(
        "ix_ledger_entries_courtyard_booked", "ledger_entries", ["courtyard_id", "booked_on"]
    )
    op.create_index("ix_ledger_entries_reverses", "ledger_entries", ["reverses_entry_id"])
    op.create_table(
        "ledger_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("approved", "rejected", name="decision", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", UTC, nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_ledger_approvals_courtyard_id_courtyards"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_ledger_approvals_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_approvals_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_approvals")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_ledger_approvals_entry_id")),
    )
    op.create_table(
        "ledger_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("photo", "document", name="evidencekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_evidence_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_evidence")),
    )
    op.create_index("ix_ledger_evidence_entry", "ledger_evidence", ["entry_id"])
    op.create_table(
        "ledger_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("asked_by", sa.Integer(), nullable=False),
        sa.Column("asked_at", UTC, nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("answer", sa.String(length=1000), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_ledger_questions_answered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["asked_by"], ["users.id"], name=op.f("fk_ledger_questions_asked_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_ledger_questions_courtyard_id_courtyards"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_questions_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_questions")),
    )
    op.create_index(
        "ix_ledger_questions_courtyard", "ledger_questions", ["courtyard_id", "asked_at"]
    )
    op.create_table(
        "ledger_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "payment",
                "payment_reversal",
                "ticket",
                "entry",
                name="linkkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("linked_entry_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(CASE WHEN payment_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN ticket_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN linked_entry_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_ledger_links_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_links_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["linked_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_links_linked_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_ledger_links_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ledger_links_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_links")),
        sa.UniqueConstraint("kind", "payment_id", name=op.f("uq_ledger_links_kind_payment_id")),
    )
    op.create_index("ix_ledger_links_entry", "ledger_links", ["entry_id"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE_FUNCTION)
    for table in APPEND_ONLY:
        _guard(table)


def downgrade() -> None:
    # dropping a table drops its triggers
    op.drop_index("ix_ledger_links_entry", table_name="ledger_links")
    op.drop_table("ledger_links")
    op.drop_index("ix_ledger_questions_courtyard", table_name="ledger_questions")
    op.drop_table("ledger_questions")
    op.drop_index("ix_ledger_evidence_entry", table_name="ledger_evidence")
    op.drop_table("ledger_evidence")
    op.drop_table("ledger_approvals")
    op.drop_index("ix_ledger_entries_reverses", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_courtyard_booked", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("ledger_disclosures")
    op.drop_table("ledger_books")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION ledger_refuse_change()")
