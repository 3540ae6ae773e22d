"""input runs: how far each member got through a set of questions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "input_runs",
        sa.Column("id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("community_id", BigId, nullable=False),
        sa.Column("meeting_id", BigId, nullable=True),
        sa.Column("checkin_id", BigId, nullable=True),
        sa.Column(
            "stage",
            sa.Enum("before", "after", name="questionstage", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "partial", "completed", "expired", name="inputstatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_input_runs_checkin_id_checkins"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_input_runs_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_input_runs_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_input_runs_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_input_runs")),
        sa.UniqueConstraint(
            "member_id",
            "meeting_id",
            "stage",
            "checkin_id",
            name=op.f("uq_input_runs_member_id_meeting_id_stage_checkin_id"),
        ),
    )
    op.create_index(op.f("ix_input_runs_member_id"), "input_runs", ["member_id"])
    op.create_index(op.f("ix_input_runs_meeting_id"), "input_runs", ["meeting_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_input_runs_meeting_id"), table_name="input_runs")
    op.drop_index(op.f("ix_input_runs_member_id"), table_name="input_runs")
    op.drop_table("input_runs")
