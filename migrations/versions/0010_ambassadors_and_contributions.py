"""ambassadors: meeting co-hosts, the contributions log, allowances and monthly statements

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

The ambassador role needs no change: roles are stored as VARCHAR.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JsonData = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "meeting_hosts",
        sa.Column("id", BigId, nullable=False),
        sa.Column("meeting_id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("named", sa.Boolean(), nullable=True),
        sa.Column("display_name", sa.String(length=120), nullable=True),
        sa.Column("added_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_hosts_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_meeting_hosts_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_hosts")),
        sa.UniqueConstraint(
            "meeting_id", "member_id", name=op.f("uq_meeting_hosts_meeting_id_member_id")
        ),
    )
    with op.batch_alter_table("meeting_hosts") as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_hosts_member_id"), ["member_id"])

    op.create_table(
        "contributions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("community_id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("what", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("words", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("decided_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("meeting_id", BigId, nullable=True),
        sa.Column("proposal_id", BigId, nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_contributions_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_contributions_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_contributions_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_contributions_proposal_id_proposals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_contributions_dedupe_key")),
    )
    with op.batch_alter_table("contributions") as batch_op:
        batch_op.create_index(
            "ix_contributions_community_id_occurred_at", ["community_id", "occurred_at"]
        )
        batch_op.create_index(batch_op.f("ix_contributions_member_id"), ["member_id"])

    op.create_table(
        "allowances",
        sa.Column("community_id", BigId, autoincrement=False, nullable=False),
        sa.Column("mode", sa.String(length=24), nullable=False),
        sa.Column("hourly_rate_cents", sa.Integer(), nullable=True),
        sa.Column("monthly_cap_cents", sa.Integer(), nullable=True),
        sa.Column("yearly_cap_cents", sa.Integer(), nullable=True),
        sa.Column("fees", JsonData, nullable=True),
        sa.Column("updated_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_allowances_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_allowances")),
    )

    op.create_table(
        "statements",
        sa.Column("id", BigId, nullable=False),
        sa.Column("community_id", BigId, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("member_id", BigId, nullable=True),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("cap_note", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_statements_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_statements_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
        sa.UniqueConstraint(
            "community_id",
            "month",
            "code",
            name=op.f("uq_statements_community_id_month_code"),
        ),
    )
    with op.batch_alter_table("statements") as batch_op:
        batch_op.create_index(batch_op.f("ix_statements_member_id"), ["member_id"])


def downgrade() -> None:
    with op.batch_alter_table("statements") as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_member_id"))
    op.drop_table("statements")
    op.drop_table("allowances")
    with op.batch_alter_table("contributions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributions_member_id"))
        batch_op.drop_index("ix_contributions_community_id_occurred_at")
    op.drop_table("contributions")
    with op.batch_alter_table("meeting_hosts") as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_hosts_member_id"))
    op.drop_table("meeting_hosts")
