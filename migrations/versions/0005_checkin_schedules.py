"""check-in schedules per community, per-meeting reminder offsets, check-in dedupe keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "checkin_schedules",
        sa.Column("id", BigId, nullable=False),
        sa.Column("community_id", BigId, nullable=False),
        sa.Column("reminder_offsets", Json, nullable=False),
        sa.Column("followup_days", sa.Integer(), nullable=False),
        sa.Column("followup_time", sa.String(length=5), nullable=False),
        sa.Column("longterm_months", Json, nullable=False),
        sa.Column("reengage_days", sa.Integer(), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=False),
        sa.Column("quiet_end", sa.String(length=5), nullable=False),
        sa.Column("programme_end", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_checkin_schedules_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_schedules")),
        sa.UniqueConstraint("community_id", name=op.f("uq_checkin_schedules_community_id")),
    )
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("dedupe_key", sa.String(length=160), nullable=True))
        batch.create_unique_constraint(op.f("uq_checkins_dedupe_key"), ["dedupe_key"])
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("reminder_offsets", Json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("reminder_offsets")
    with op.batch_alter_table("checkins") as batch:
        batch.drop_constraint(op.f("uq_checkins_dedupe_key"), type_="unique")
        batch.drop_column("dedupe_key")
    op.drop_table("checkin_schedules")
