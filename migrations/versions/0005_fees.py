"""fees: plans, adjustments, bill lines, payments, allocations, reversals, receipt counters

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


ROUNDING = ("half_up", "down", "up")


def upgrade() -> None:
    op.create_table(
        "fee_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("rate_per_m2", sa.Integer(), nullable=False),
        sa.Column("parking_fee_fen", sa.Integer(), nullable=False),
        sa.Column("from_period", sa.String(length=7), nullable=False),
        sa.Column("rounding", _enum(*ROUNDING, name="rounding"), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.CheckConstraint("rate_per_m2 >= 0", name=op.f("ck_fee_plans_rate_not_negative")),
        sa.CheckConstraint(
            "parking_fee_fen >= 0", name=op.f("ck_fee_plans_parking_fee_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_fee_plans_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_fee_plans_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_plans")),
        sa.UniqueConstraint(
            "courtyard_id", "from_period", name=op.f("uq_fee_plans_courtyard_id_from_period")
        ),
    )
    op.create_table(
        "fee_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", _enum("vacant", "hardship", "other", name="adjustmentkind"), nullable=False
        ),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("from_period", sa.String(length=7), nullable=False),
        sa.Column("to_period", sa.String(length=7), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "percent >= 0 AND percent <= 100", name=op.f("ck_fee_adjustments_percent_range")
        ),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_fee_adjustments_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_fee_adjustments_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_fee_adjustments_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_adjustments")),
    )
    op.create_index(
        "ix_fee_adjustments_household", "fee_adjustments", ["household_id", "from_period"]
    )
    op.create_table(
        "bill_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("item", _enum("property", name="feeitem"), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("area_centi_m2", sa.Integer(), nullable=False),
        sa.Column("rate_per_m2", sa.Integer(), nullable=False),
        sa.Column("parking_spaces", sa.Integer(), nullable=False),
        sa.Column("parking_fee_fen", sa.Integer(), nullable=False),
        sa.Column("adjustment_id", sa.Integer(), nullable=True),
        sa.Column("adjustment_percent", sa.Integer(), nullable=False),
        sa.Column("rounding", _enum(*ROUNDING, name="rounding"), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", UTC, nullable=False),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_bill_lines_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_bill_lines_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_bill_lines_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["fee_plans.id"], name=op.f("fk_bill_lines_plan_id_fee_plans")
        ),
        sa.ForeignKeyConstraint(
            ["adjustment_id"],
            ["fee_adjustments.id"],
            name=op.f("fk_bill_lines_adjustment_id_fee_adjustments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_lines")),
        sa.UniqueConstraint(
            "household_id", "item", "period", name=op.f("uq_bill_lines_household_id_item_period")
        ),
    )
    op.create_index("ix_bill_lines_courtyard_period", "bill_lines", ["courtyard_id", "period"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("receipt_seq", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=24), nullable=False),
        sa.Column(
            "method",
            _enum("cash", "wechat", "alipay", "bank_transfer", "other", name="paymentmethod"),
            nullable=False,
        ),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_payments_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_payments_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_payments_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint(
            "courtyard_id", "receipt_seq", name=op.f("uq_payments_courtyard_id_receipt_seq")
        ),
        sa.UniqueConstraint(
            "courtyard_id", "reference", name=op.f("uq_payments_courtyard_id_reference")
        ),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_payments_receipt_number")),
    )
    op.create_index("ix_payments_household", "payments", ["household_id", "paid_on"])
    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("bill_line_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("allocated_at", UTC, nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_payment_allocations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_allocations_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["bill_line_id"],
            ["bill_lines.id"],
            name=op.f("fk_payment_allocations_bill_line_id_bill_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
        sa.UniqueConstraint(
            "payment_id",
            "bill_line_id",
            name=op.f("uq_payment_allocations_payment_id_bill_line_id"),
        ),
    )
    op.create_index("ix_payment_allocations_line", "payment_allocations", ["bill_line_id"])
    op.create_table(
        "payment_reversals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("reversed_by", sa.Integer(), nullable=True),
        sa.Column("reversed_at", UTC, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_reversals_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reversed_by"], ["users.id"], name=op.f("fk_payment_reversals_reversed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_reversals")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_payment_reversals_payment_id")),
    )
    op.create_table(
        "receipt_counters",
        sa.Column("courtyard_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_receipt_counters_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("courtyard_id", name=op.f("pk_receipt_counters")),
    )


def downgrade() -> None:
    op.drop_table("receipt_counters")
    op.drop_table("payment_reversals")
    op.drop_index("ix_payment_allocations_line", table_name="payment_allocations")
    op.drop_table("payment_allocations")
    op.drop_index("ix_payments_household", table_name="payments")
    op.drop_table("payments")
    op.drop_index("ix_bill_lines_courtyard_period", table_name="bill_lines")
    op.drop_table("bill_lines")
    op.drop_index("ix_fee_adjustments_household", table_name="fee_adjustments")
    op.drop_table("fee_adjustments")
    op.drop_table("fee_plans")
