"""agenda questions organisers mark; the other languages a member reads

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        # Marked by the organiser: its free-text and voice answers make the agenda.
        batch.add_column(
            sa.Column("agenda", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("members") as batch:
        # The other languages the member reads, in the order they chose them.
        batch.add_column(
            sa.Column(
                "reads_locales",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("reads_locales")
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("agenda")
