"""stories without a structured value

A story (text or voice) has no structured value: `answers.value` becomes nullable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.base import JsonData

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot ALTER a column's nullability in place.
    with op.batch_alter_table("answers") as batch:
        batch.alter_column("value", existing_type=JsonData, nullable=True)


def downgrade() -> None:
    # The old schema needs a value in every row: JSON null stands in for "none".
    null = "'null'::jsonb" if op.get_bind().dialect.name == "postgresql" else "'null'"
    op.execute(sa.text(f"UPDATE answers SET value = {null} WHERE value IS NULL"))
    with op.batch_alter_table("answers") as batch:
        batch.alter_column("value", existing_type=JsonData, nullable=False)
