"""votes: votes, options, the voter snapshot, ballots, conflicts, group cards, plan adoptions

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-02 02:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courtyard_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "rule",
            sa.Enum("simple", "art278", name="voterule", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("matter", sa.Integer(), nullable=True),
        sa.Column("buildings", sa.JSON(), nullable=False),
        sa.Column("opens_at", UTC, nullable=True),
        sa.Column("closes_at", UTC, nullable=False),
        sa.Column("choices_visible_before_close", sa.Boolean(), nullable=False),
        sa.Column("allow_change", sa.Boolean(), nullable=False),
        sa.Column("objection_days", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "open",
                "closed",
                "final",
                "cancelled",
                name="votestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("opened_at", UTC, nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("close_reason", sa.String(length=300), nullable=True),
        sa.Column("final_at", UTC, nullable=True),
        sa.Column("cancelled_at", UTC, nullable=True),
        sa.Column("total_heads", sa.Integer(), nullable=False),
        sa.Column("total_area_centi_m2", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["courtyard_id"],
            ["courtyards.id"],
            name=op.f("fk_votes_courtyard_id_courtyards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_votes_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
    )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index("ix_votes_courtyard_status", ["courtyard_id", "status"], unique=False)

    op.create_table(
        "vote_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("shown_heads", sa.Integer(), nullable=False),
        sa.Column("shown_closed", sa.Boolean(), nullable=False),
        sa.Column("edited_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["votes.id"], name=op.f("fk_vote_cards_vote_id_votes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_cards")),
        sa.UniqueConstraint("vote_id", "chat_id", name=op.f("uq_vote_cards_vote_id_chat_id")),
    )
    op.create_table(
        "vote_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("rate_per_m2", sa.Integer(), nullable=True),
        sa.Column("parking_fee_fen", sa.Integer(), nullable=True),
        sa.Column("includes", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"],
            ["votes.id"],
            name=op.f("fk_vote_options_vote_id_votes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_options")),
        sa.UniqueConstraint("vote_id", "position", name=op.f("uq_vote_options_vote_id_position")),
    )
    op.create_table(
        "vote_voters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=80), nullable=False),
        sa.Column("building", sa.String(length=40), nullable=False),
        sa.Column("area_centi_m2", sa.Integer(), nullable=False),
        sa.Column("parking_spaces", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_vote_voters_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["votes.id"], name=op.f("fk_vote_voters_vote_id_votes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_voters")),
        sa.UniqueConstraint(
            "vote_id", "household_id", name=op.f("uq_vote_voters_vote_id_household_id")
        ),
    )
    with op.batch_alter_table("vote_voters", schema=None) as batch_op:
        batch_op.create_index("ix_vote_voters_vote_key", ["vote_id", "voter_key"], unique=False)

    op.create_table(
        "ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=80), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "online",
                "paper",
                "proxy",
                "in_person",
                name="ballotchannel",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("cast_by", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("proxy_name", sa.String(length=100), nullable=True),
        sa.Column("photo_file_id", sa.String(length=200), nullable=True),
        sa.Column("receipt_code", sa.String(length=12), nullable=False),
        sa.Column("heads", sa.Integer(), nullable=False),
        sa.Column("area_centi_m2", sa.Integer(), nullable=False),
        sa.Column("cast_at", UTC, nullable=False),
        sa.Column("changed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["cast_by"], ["users.id"], name=op.f("fk_ballots_cast_by_users")),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_ballots_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_ballots_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["vote_options.id"],
            name=op.f("fk_ballots_option_id_vote_options"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["votes.id"], name=op.f("fk_ballots_vote_id_votes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
        sa.UniqueConstraint(
            "vote_id", "receipt_code", name=op.f("uq_ballots_vote_id_receipt_code")
        ),
        sa.UniqueConstraint("vote_id", "voter_key", name=op.f("uq_ballots_vote_id_voter_key")),
    )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_index("ix_ballots_vote_option", ["vote_id", "option_id"], unique=False)

    op.create_table(
        "vote_adoptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("fee_plan_id", sa.Integer(), nullable=False),
        sa.Column("adopted_by", sa.Integer(), nullable=True),
        sa.Column("adopted_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["adopted_by"], ["users.id"], name=op.f("fk_vote_adoptions_adopted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["fee_plan_id"],
            ["fee_plans.id"],
            name=op.f("fk_vote_adoptions_fee_plan_id_fee_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["vote_options.id"],
            name=op.f("fk_vote_adoptions_option_id_vote_options"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"],
            ["votes.id"],
            name=op.f("fk_vote_adoptions_vote_id_votes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_adoptions")),
        sa.UniqueConstraint("vote_id", name=op.f("uq_vote_adoptions_vote_id")),
    )
    op.create_table(
        "ballot_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=80), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("kept_ballot_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "online",
                "paper",
                "proxy",
                "in_person",
                name="ballotchannel",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("by_user", sa.Integer(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user"], ["users.id"], name=op.f("fk_ballot_conflicts_by_user_users")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_ballot_conflicts_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kept_ballot_id"],
            ["ballots.id"],
            name=op.f("fk_ballot_conflicts_kept_ballot_id_ballots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["vote_options.id"],
            name=op.f("fk_ballot_conflicts_option_id_vote_options"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"],
            ["votes.id"],
            name=op.f("fk_ballot_conflicts_vote_id_votes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_conflicts")),
    )
    with op.batch_alter_table("ballot_conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_conflicts_vote_id"), ["vote_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ballot_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_conflicts_vote_id"))

    op.drop_table("ballot_conflicts")
    op.drop_table("vote_adoptions")
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_index("ix_ballots_vote_option")

    op.drop_table("ballots")
    with op.batch_alter_table("vote_voters", schema=None) as batch_op:
        batch_op.drop_index("ix_vote_voters_vote_key")

    op.drop_table("vote_voters")
    op.drop_table("vote_options")
    op.drop_table("vote_cards")
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index("ix_votes_courtyard_status")

    op.drop_table("votes")
