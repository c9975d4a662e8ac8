"""fee claims: payment instructions per courtyard, residents' payment claims

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


METHODS = ("cash", "wechat", "alipay", "bank_transfer", "other")
STATUSES = ("pending", "confirmed", "rejected")


def upgrade() -> None:
    op.create_table(
        "payment_instructions",
        sa.Column("courtyard_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("qr_file_id", sa.String(length=200), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_payment_instructions_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_payment_instructions_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("courtyard_id", name=op.f("pk_payment_instructions")),
    )
    op.create_table(
        "payment_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("claimant_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("method", _enum(*METHODS, name="paymentmethod"), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("photo_file_id", sa.String(length=200), nullable=False),
        sa.Column("status", _enum(*STATUSES, name="claimstatus"), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_payment_claims_amount_positive")),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_payment_claims_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_payment_claims_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claimant_id"], ["users.id"], name=op.f("fk_payment_claims_claimant_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_payment_claims_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_claims_payment_id_payments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_claims")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_payment_claims_payment_id")),
    )
    op.create_index(
        "ix_payment_claims_courtyard_status", "payment_claims", ["courtyard_id", "status"]
    )
    op.create_index(
        "ix_payment_claims_household", "payment_claims", ["household_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_payment_claims_household", table_name="payment_claims")
    op.drop_index("ix_payment_claims_courtyard_status", table_name="payment_claims")
    op.drop_table("payment_claims")
    op.drop_table("payment_instructions")
