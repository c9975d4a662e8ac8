"""fee reminders: stage settings per courtyard, one row per reminder sent, dispute pauses

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:00:42
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "fee_reminder_settings",
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "notice",
                "friendly",
                "overdue",
                "visit",
                "formal",
                name="reminderstage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("months_after", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_fee_reminder_settings_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_fee_reminder_settings_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("courtyard_id", "stage", name=op.f("pk_fee_reminder_settings")),
    )
    op.create_table(
        "fee_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=80), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "notice",
                "friendly",
                "overdue",
                "visit",
                "formal",
                name="reminderstage",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "queued",
                "sent",
                "failed",
                "blocked",
                "unreachable",
                "listed",
                name="reminderoutcome",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("owed_fen", sa.BigInteger(), nullable=False),
        sa.Column("total_owed_fen", sa.BigInteger(), nullable=False),
        sa.Column("months", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("outcome_at", UTC, nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "forgot",
                "hardship",
                "dispute",
                "moved",
                "other",
                name="reminderanswer",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_fee_reminders_answered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_fee_reminders_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_fee_reminders_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_reminders")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_fee_reminders_dedupe_key")),
        sa.UniqueConstraint(
            "household_id",
            "period",
            "stage",
            name=op.f("uq_fee_reminders_household_id_period_stage"),
        ),
    )
    with op.batch_alter_table("fee_reminders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fee_reminders_courtyard_period", ["courtyard_id", "period", "stage"], unique=False
        )

    op.create_table(
        "fee_reminder_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("paused_by", sa.Integer(), nullable=True),
        sa.Column("paused_at", UTC, nullable=False),
        sa.Column("lifted_by", sa.Integer(), nullable=True),
        sa.Column("lifted_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_fee_reminder_pauses_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_fee_reminder_pauses_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by"], ["users.id"], name=op.f("fk_fee_reminder_pauses_lifted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["paused_by"], ["users.id"], name=op.f("fk_fee_reminder_pauses_paused_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["fee_reminders.id"],
            name=op.f("fk_fee_reminder_pauses_reminder_id_fee_reminders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_reminder_pauses")),
        sa.UniqueConstraint(
            "household_id", "period", name=op.f("uq_fee_reminder_pauses_household_id_period")
        ),
    )


def downgrade() -> None:
    op.drop_table("fee_reminder_pauses")
    with op.batch_alter_table("fee_reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_fee_reminders_courtyard_period")

    op.drop_table("fee_reminders")
    op.drop_table("fee_reminder_settings")
