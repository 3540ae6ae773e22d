"""translation tasks: organisers ask community translators for a text in a language

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JsonData = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "translation_tasks",
        sa.Column("id", BigId, nullable=False),
        sa.Column("community_id", BigId, nullable=False),
        sa.Column("subject", sa.String(length=24), nullable=False),
        sa.Column("subject_id", BigId, nullable=False),
        sa.Column("source_locale", sa.String(length=16), nullable=False),
        sa.Column("target_locale", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("approval", sa.String(length=24), nullable=False),
        sa.Column("requested_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_translation_tasks_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_tasks")),
    )
    with op.batch_alter_table("translation_tasks") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_translation_tasks_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_translation_tasks_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "task_assignments",
        sa.Column("id", BigId, nullable=False),
        sa.Column("task_id", BigId, nullable=False),
        sa.Column("translator_member_id", BigId, nullable=True),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("fields", JsonData, nullable=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["translation_tasks.id"],
            name=op.f("fk_task_assignments_task_id_translation_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["translator_member_id"],
            ["members.id"],
            name=op.f("fk_task_assignments_translator_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_assignments")),
        sa.UniqueConstraint(
            "task_id",
            "translator_member_id",
            name=op.f("uq_task_assignments_task_id_translator_member_id"),
        ),
    )
    with op.batch_alter_table("task_assignments") as batch_op:
        batch_op.create_index(batch_op.f("ix_task_assignments_task_id"), ["task_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_task_assignments_translator_member_id"),
            ["translator_member_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_task_assignments_notified_at"), ["notified_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("task_assignments") as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_assignments_notified_at"))
        batch_op.drop_index(batch_op.f("ix_task_assignments_translator_member_id"))
        batch_op.drop_index(batch_op.f("ix_task_assignments_task_id"))
    op.drop_table("task_assignments")
    with op.batch_alter_table("translation_tasks") as batch_op:
        batch_op.drop_index(batch_op.f("ix_translation_tasks_expires_at"))
        batch_op.drop_index(batch_op.f("ix_translation_tasks_community_id"))
    op.drop_table("translation_tasks")
