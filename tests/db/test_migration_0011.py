"""Migration 0011 (text reviews) upgrades a database that already holds members: nobody is a
translator until they volunteer; back down, the table and the switch are gone."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import inspect

from bot.db import migrate
from bot.db.engine import create_engine

# Lightweight table clauses: the schema as 0009 left it, not as the models say today.
members = sa.table(
    "members",
    sa.column("id"),
    sa.column("telegram_user_id"),
    sa.column("locale"),
    sa.column("created_at"),
    sa.column("translator"),
)
reviews = sa.table(
    "text_reviews",
    sa.column("id"),
    sa.column("catalog"),
    sa.column("entry_key"),
    sa.column("msgid"),
    sa.column("reviewer_member_id"),
    sa.column("verdict"),
    sa.column("created_at"),
)


async def _tables_and_member_columns(engine) -> tuple[set[str], set[str]]:
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: (
                set(inspect(sync).get_table_names()),
                {c["name"] for c in inspect(sync).get_columns("members")},
            )
        )


async def test_existing_members_are_no_translators_and_the_way_back_is_clean(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    when = datetime(2026, 12, 1, 12, tzinfo=UTC).replace(tzinfo=None)
    try:
        await migrate.downgrade(engine, "0009")
        tables, columns = await _tables_and_member_columns(engine)
        assert "text_reviews" not in tables
        assert "translator" not in columns
        async with engine.begin() as conn:
            await conn.execute(
                members.insert().values(
                    id=1, telegram_user_id=910000101, locale="so", created_at=when
                )
            )

        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.begin() as conn:
            translator = await conn.scalar(
                sa.select(members.c.translator).where(members.c.id == 1)
            )
            await conn.execute(
                reviews.insert().values(
                    id=1,
                    catalog="so",
                    entry_key="k" * 64,
                    msgid="Yes",
                    reviewer_member_id=1,
                    verdict="good",
                    created_at=when,
                )
            )
            # Erasure unlinks: the verdict stays without the reviewer.
            await conn.execute(members.delete().where(members.c.id == 1))
            reviewer = await conn.scalar(sa.select(reviews.c.reviewer_member_id))
        assert not translator  # SQLite says 0, PostgreSQL False
        assert translator is not None
        assert reviewer is None

        await migrate.downgrade(engine, "0009")
        tables, columns = await _tables_and_member_columns(engine)
        assert "text_reviews" not in tables
        assert "translator" not in columns
    finally:
        await migrate.upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(reviews.delete())
            await conn.execute(members.delete())
        await engine.dispose()
