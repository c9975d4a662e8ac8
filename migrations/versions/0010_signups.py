"""signups: gatherings (events with sign-up), their time slots, sign-ups and waiting lists

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-02 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)
ACTIVE_SIGNUP = "status IN ('booked', 'waiting')"


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "gatherings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("buildings", sa.JSON(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column(
            "status", _enum("open", "closed", "cancelled", name="gatheringstatus"), nullable=False
        ),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_gatherings_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organizer_id"], ["users.id"], name=op.f("fk_gatherings_organizer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gatherings")),
    )
    op.create_index(
        "ix_gatherings_courtyard_starts", "gatherings", ["courtyard_id", "starts_at"]
    )
    op.create_table(
        "gathering_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gathering_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_gathering_slots_capacity_positive")),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= capacity",
            name=op.f("ck_gathering_slots_taken_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["gathering_id"],
            ["gatherings.id"],
            name=op.f("fk_gathering_slots_gathering_id_gatherings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gathering_slots")),
        sa.UniqueConstraint(
            "gathering_id", "starts_at", name=op.f("uq_gathering_slots_gathering_id_starts_at")
        ),
    )
    op.create_index(
        op.f("ix_gathering_slots_gathering_id"), "gathering_slots", ["gathering_id"]
    )
    op.create_table(
        "signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gathering_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("signed_by", sa.Integer(), nullable=False),
        sa.Column(
            "status", _enum("booked", "waiting", "cancelled", name="signupstatus"), nullable=False
        ),
        sa.Column("queue_no", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("promoted_at", UTC, nullable=True),
        sa.Column("cancelled_at", UTC, nullable=True),
        sa.Column("checked_in_at", UTC, nullable=True),
        sa.Column("checked_in_by", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["gathering_id"],
            ["gatherings.id"],
            name=op.f("fk_signups_gathering_id_gatherings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["gathering_slots.id"],
            name=op.f("fk_signups_slot_id_gathering_slots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_signups_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_signups_household_id_households"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["users.id"], name=op.f("fk_signups_signed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["checked_in_by"], ["users.id"], name=op.f("fk_signups_checked_in_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signups")),
    )
    op.create_index(
        "uq_signups_active_person",
        "signups",
        ["gathering_id", "user_id"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_SIGNUP),
        postgresql_where=sa.text(ACTIVE_SIGNUP),
    )
    op.create_index("ix_signups_slot_status", "signups", ["slot_id", "status", "queue_no"])
    op.create_index("ix_signups_user_status", "signups", ["user_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_signups_user_status", table_name="signups")
    op.drop_index("ix_signups_slot_status", table_name="signups")
    op.drop_index("uq_signups_active_person", table_name="signups")
    op.drop_table("signups")
    op.drop_index(op.f("ix_gathering_slots_gathering_id"), table_name="gathering_slots")
    op.drop_table("gathering_slots")
    op.drop_index("ix_gatherings_courtyard_starts", table_name="gatherings")
    op.drop_table("gatherings")
