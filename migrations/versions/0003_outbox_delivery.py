"""outbox delivery: broadcasts, claims, parts, throttling and processed updates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    op.create_index(op.f("ix_processed_updates_received_at"), "processed_updates", ["received_at"])
    op.create_table(
        "broadcasts",
        sa.Column("id", BigId, nullable=False),
        sa.Column("community_id", BigId, nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("created_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_broadcasts_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    op.create_index(op.f("ix_broadcasts_community_id"), "broadcasts", ["community_id"])
    # Batch mode: SQLite cannot add a foreign key to an existing table without a copy.
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("broadcast_id", BigId, nullable=True))
        # Existing rows get 0; the models set the value for new ones.
        batch.add_column(sa.Column("throttled", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(op.f("ix_outbox_messages_broadcast_id"), ["broadcast_id"])
        batch.create_foreign_key(
            op.f("fk_outbox_messages_broadcast_id_broadcasts"),
            "broadcasts",
            ["broadcast_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("throttled", server_default=None)
        batch.alter_column("parts_sent", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint(
            op.f("fk_outbox_messages_broadcast_id_broadcasts"), type_="foreignkey"
        )
        batch.drop_index(op.f("ix_outbox_messages_broadcast_id"))
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
        batch.drop_column("parts_sent")
        batch.drop_column("throttled")
        batch.drop_column("broadcast_id")
    op.drop_index(op.f("ix_broadcasts_community_id"), table_name="broadcasts")
    op.drop_table("broadcasts")
    op.drop_index(op.f("ix_processed_updates_received_at"), table_name="processed_updates")
    op.drop_table("processed_updates")
