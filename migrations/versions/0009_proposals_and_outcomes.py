"""co-ownership: proposals members make, supports, the agenda, outcomes shared back

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "proposal_digests",
        sa.Column("member_id", BigId, autoincrement=False, nullable=False),
        sa.Column("last_proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_proposal_digests_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_proposal_digests")),
    )
    op.create_table(
        "outcomes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("meeting_id", BigId, nullable=False),
        sa.Column("audience", sa.String(length=24), nullable=False),
        sa.Column("source_locale", sa.String(length=16), nullable=False),
        sa.Column("created_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_outcomes_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
    )
    with op.batch_alter_table("outcomes") as batch_op:
        batch_op.create_index(batch_op.f("ix_outcomes_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "outcome_reactions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("outcome_id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("reaction", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_outcome_reactions_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcomes.id"],
            name=op.f("fk_outcome_reactions_outcome_id_outcomes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_reactions")),
        sa.UniqueConstraint(
            "outcome_id", "member_id", name=op.f("uq_outcome_reactions_outcome_id_member_id")
        ),
    )
    with op.batch_alter_table("outcome_reactions") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_reactions_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "proposals",
        sa.Column("id", BigId, nullable=False),
        sa.Column("community_id", BigId, nullable=False),
        sa.Column("meeting_id", BigId, nullable=True),
        sa.Column("member_id", BigId, nullable=True),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("source_locale", sa.String(length=16), nullable=False),
        sa.Column("voice_file_id", sa.String(length=255), nullable=True),
        sa.Column("voice_duration", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("merged_into_id", BigId, nullable=True),
        sa.Column("decline_reason", sa.String(length=32), nullable=True),
        sa.Column("on_agenda", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("agenda_position", sa.Integer(), nullable=True),
        sa.Column("conversation_message_id", BigId, nullable=True),
        sa.Column("question_id", BigId, nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_proposals_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_message_id"],
            ["conversation_messages.id"],
            name=op.f("fk_proposals_conversation_message_id_conversation_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_proposals_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_proposals_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["proposals.id"],
            name=op.f("fk_proposals_merged_into_id_proposals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_proposals_question_id_questions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_proposals_dedupe_key")),
    )
    with op.batch_alter_table("proposals") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposals_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            "ix_proposals_meeting_id_status", ["meeting_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_proposals_member_id"), ["member_id"], unique=False)

    op.create_table(
        "outcome_texts",
        sa.Column("id", BigId, nullable=False),
        sa.Column("outcome_id", BigId, nullable=False),
        sa.Column("proposal_id", BigId, nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcomes.id"],
            name=op.f("fk_outcome_texts_outcome_id_outcomes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_outcome_texts_proposal_id_proposals"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_texts")),
        sa.UniqueConstraint(
            "outcome_id",
            "position",
            "locale",
            name=op.f("uq_outcome_texts_outcome_id_position_locale"),
        ),
    )
    op.create_table(
        "proposal_supports",
        sa.Column("id", BigId, nullable=False),
        sa.Column("proposal_id", BigId, nullable=False),
        sa.Column("meeting_id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_proposal_supports_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_proposal_supports_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_supports_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_supports")),
        sa.UniqueConstraint(
            "proposal_id", "member_id", name=op.f("uq_proposal_supports_proposal_id_member_id")
        ),
    )
    with op.batch_alter_table("proposal_supports") as batch_op:
        batch_op.create_index(
            "ix_proposal_supports_meeting_id_member_id", ["meeting_id", "member_id"], unique=False
        )

    op.create_table(
        "proposal_texts",
        sa.Column("id", BigId, nullable=False),
        sa.Column("proposal_id", BigId, nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_texts_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_texts")),
        sa.UniqueConstraint(
            "proposal_id", "locale", name=op.f("uq_proposal_texts_proposal_id_locale")
        ),
    )
    with op.batch_alter_table("inbox_organisers") as batch_op:
        batch_op.add_column(
            sa.Column("last_proposal_id", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("last_proposal_notice_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("meetings") as batch_op:
        batch_op.add_column(
            sa.Column("supports_per_member", sa.Integer(), server_default="3", nullable=False)
        )

    with op.batch_alter_table("questions") as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch_op:
        batch_op.drop_column("retired_at")

    with op.batch_alter_table("meetings") as batch_op:
        batch_op.drop_column("supports_per_member")

    with op.batch_alter_table("inbox_organisers") as batch_op:
        batch_op.drop_column("last_proposal_notice_at")
        batch_op.drop_column("last_proposal_id")

    op.drop_table("proposal_texts")
    with op.batch_alter_table("proposal_supports") as batch_op:
        batch_op.drop_index("ix_proposal_supports_meeting_id_member_id")

    op.drop_table("proposal_supports")
    op.drop_table("outcome_texts")
    with op.batch_alter_table("proposals") as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposals_member_id"))
        batch_op.drop_index("ix_proposals_meeting_id_status")
        batch_op.drop_index(batch_op.f("ix_proposals_community_id"))

    op.drop_table("proposals")
    with op.batch_alter_table("outcome_reactions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_reactions_member_id"))

    op.drop_table("outcome_reactions")
    with op.batch_alter_table("outcomes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcomes_meeting_id"))

    op.drop_table("outcomes")
    op.drop_table("proposal_digests")
