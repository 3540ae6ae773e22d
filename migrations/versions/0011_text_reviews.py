"""text reviews: community translators' verdicts on the bot's texts; the volunteer switch

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
# the integrator re-chains this onto 0010
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "text_reviews",
        sa.Column("id", BigId, nullable=False),
        sa.Column("catalog", sa.String(length=16), nullable=False),
        sa.Column("entry_key", sa.String(length=64), nullable=False),
        sa.Column("msgid", sa.Text(), nullable=False),
        sa.Column("msgctxt", sa.String(length=255), nullable=True),
        sa.Column("reviewer_member_id", BigId, nullable=True),
        sa.Column("verdict", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_member_id"],
            ["members.id"],
            name=op.f("fk_text_reviews_reviewer_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_reviews")),
        sa.UniqueConstraint(
            "catalog",
            "entry_key",
            "reviewer_member_id",
            name=op.f("uq_text_reviews_catalog_entry_key_reviewer_member_id"),
        ),
    )
    with op.batch_alter_table("text_reviews") as batch_op:
        batch_op.create_index(batch_op.f("ix_text_reviews_entry_key"), ["entry_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_text_reviews_reviewer_member_id"), ["reviewer_member_id"], unique=False
        )
    with op.batch_alter_table("members") as batch_op:
        # Volunteered to check the bot's texts in the languages they read (/translator).
        batch_op.add_column(
            sa.Column("translator", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_column("translator")
    with op.batch_alter_table("text_reviews") as batch_op:
        batch_op.drop_index(batch_op.f("ix_text_reviews_reviewer_member_id"))
        batch_op.drop_index(batch_op.f("ix_text_reviews_entry_key"))
    op.drop_table("text_reviews")
