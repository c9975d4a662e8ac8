"""notices: notices (one row per courtyard), their places (buildings, units), acknowledgements

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "attachment_kind", _enum("photo", "document", name="attachmentkind"), nullable=True
        ),
        sa.Column("attachment_file_id", sa.String(length=200), nullable=True),
        sa.Column(
            "scope_kind",
            _enum("courtyard", "buildings", "units", name="noticescopekind"),
            nullable=False,
        ),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("send_at", UTC, nullable=True),
        sa.Column("needs_ack", sa.Boolean(), nullable=False),
        sa.Column("ack_deadline", UTC, nullable=True),
        sa.Column("corrects_notice_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            _enum("draft", "scheduled", "sent", "cancelled", name="noticestatus"),
            nullable=False,
        ),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("goes_out_at", UTC, nullable=True),
        sa.Column("scheduled_at", UTC, nullable=True),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("cancelled_at", UTC, nullable=True),
        sa.Column("private_rows", sa.Integer(), nullable=False),
        sa.Column("group_rows", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("reminded_at", UTC, nullable=True),
        sa.Column("deadline_told_at", UTC, nullable=True),
        sa.Column("visits_listed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_notices_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_notices_author_id_users")),
        sa.ForeignKeyConstraint(
            ["corrects_notice_id"],
            ["notices.id"],
            name=op.f("fk_notices_corrects_notice_id_notices"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index(op.f("ix_notices_batch"), "notices", ["batch"])
    op.create_index(
        "ix_notices_courtyard_status", "notices", ["courtyard_id", "status", "goes_out_at"]
    )
    op.create_index("ix_notices_author_created", "notices", ["author_id", "created_at"])
    op.create_index("ix_notices_status_goes_out", "notices", ["status", "goes_out_at"])
    op.create_index("ix_notices_status_deadline", "notices", ["status", "ack_deadline"])
    op.create_table(
        "notice_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_notice_places_notice_id_notices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_places")),
    )
    op.create_index(op.f("ix_notice_places_notice_id"), "notice_places", ["notice_id"])
    op.create_table(
        "notice_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_notice_acks_notice_id_notices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notice_acks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_acks")),
        sa.UniqueConstraint("notice_id", "user_id", name=op.f("uq_notice_acks_notice_id_user_id")),
    )


def downgrade() -> None:
    op.drop_table("notice_acks")
    op.drop_index(op.f("ix_notice_places_notice_id"), table_name="notice_places")
    op.drop_table("notice_places")
    op.drop_index("ix_notices_status_deadline", table_name="notices")
    op.drop_index("ix_notices_status_goes_out", table_name="notices")
    op.drop_index("ix_notices_author_created", table_name="notices")
    op.drop_index("ix_notices_courtyard_status", table_name="notices")
    op.drop_index(op.f("ix_notices_batch"), table_name="notices")
    op.drop_table("notices")
