"""visits: the grid leaders' list of households to see in person (上门名单)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)
OUTCOMES = ("told", "not_home", "refused", "other")


def upgrade() -> None:
    op.create_table(
        "visit_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(*OUTCOMES, name="visitoutcome", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("tried_at", UTC, nullable=True),
        sa.Column("done_at", UTC, nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_visit_tasks_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_visit_tasks_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["done_by"], ["users.id"], name=op.f("fk_visit_tasks_done_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_tasks")),
        sa.UniqueConstraint(
            "kind", "ref", "household_id", name=op.f("uq_visit_tasks_kind_ref_household_id")
        ),
    )
    op.create_index(
        "ix_visit_tasks_courtyard_open", "visit_tasks", ["courtyard_id", "done_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_visit_tasks_courtyard_open", table_name="visit_tasks")
    op.drop_table("visit_tasks")
