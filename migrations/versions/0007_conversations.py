"""conversations: members write to their community, organisers answer in the chat

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(
            sa.Column("answer_days", sa.Integer(), nullable=False, server_default="2")
        )
    op.create_table(
        "conversations",
        sa.Column("id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("community_id", BigId, nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("taken_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_answer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_conversations_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_conversations_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    op.create_index(op.f("ix_conversations_member_id"), "conversations", ["member_id"])
    op.create_index(
        "ix_conversations_community_status_activity",
        "conversations",
        ["community_id", "status", "last_activity_at"],
    )
    op.create_table(
        "conversation_messages",
        sa.Column("id", BigId, nullable=False),
        sa.Column("conversation_id", BigId, nullable=False),
        sa.Column("author", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("origin", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(length=255), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("author_user_id", sa.BigInteger(), nullable=True),
        sa.Column("signature", sa.String(length=64), nullable=True),
        sa.Column("outbox_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_messages")),
    )
    op.create_index(
        op.f("ix_conversation_messages_conversation_id"),
        "conversation_messages",
        ["conversation_id"],
    )
    op.create_index(
        op.f("ix_conversation_messages_created_at"), "conversation_messages", ["created_at"]
    )
    op.create_table(
        "saved_replies",
        sa.Column("id", BigId, nullable=False),
        sa.Column("community_id", BigId, nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("source_locale", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_saved_replies_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_replies")),
        sa.UniqueConstraint(
            "community_id", "name", name=op.f("uq_saved_replies_community_id_name")
        ),
    )
    op.create_table(
        "saved_reply_texts",
        sa.Column("id", BigId, nullable=False),
        sa.Column("saved_reply_id", BigId, nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_reply_id"],
            ["saved_replies.id"],
            name=op.f("fk_saved_reply_texts_saved_reply_id_saved_replies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_reply_texts")),
        sa.UniqueConstraint(
            "saved_reply_id", "locale", name=op.f("uq_saved_reply_texts_saved_reply_id_locale")
        ),
    )
    op.create_table(
        "inbox_organisers",
        sa.Column("telegram_user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("last_message_id", sa.BigInteger(), nullable=False),
        sa.Column("last_notice_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("display_name", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("pk_inbox_organisers")),
    )


def downgrade() -> None:
    op.drop_table("inbox_organisers")
    op.drop_table("saved_reply_texts")
    op.drop_table("saved_replies")
    op.drop_index(op.f("ix_conversation_messages_created_at"), "conversation_messages")
    op.drop_index(op.f("ix_conversation_messages_conversation_id"), "conversation_messages")
    op.drop_table("conversation_messages")
    op.drop_index("ix_conversations_community_status_activity", "conversations")
    op.drop_index(op.f("ix_conversations_member_id"), "conversations")
    op.drop_table("conversations")
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("answer_days")
