"""Migration 0009 (co-ownership) upgrades a database that already holds meetings, and goes
back down cleanly."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import inspect

from bot.db import migrate
from bot.db.engine import create_engine

NEW_TABLES = {
    "proposals",
    "proposal_texts",
    "proposal_supports",
    "proposal_digests",
    "outcomes",
    "outcome_texts",
    "outcome_reactions",
}

# Lightweight table clauses: the schema as 0008 left it, not as the models say today.
communities = sa.table(
    "communities",
    sa.column("id"),
    sa.column("code"),
    sa.column("name"),
    sa.column("default_locale"),
    sa.column("time_zone"),
    sa.column("retention_months"),
    sa.column("created_at"),
)
meetings = sa.table(
    "meetings",
    sa.column("id"),
    sa.column("community_id"),
    sa.column("status"),
    sa.column("starts_at"),
    sa.column("time_zone"),
    sa.column("source_locale"),
    sa.column("version"),
    sa.column("created_at"),
    sa.column("updated_at"),
    sa.column("supports_per_member"),
)


async def test_an_existing_meeting_gets_three_supports_per_member_and_back(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    when = datetime(2026, 12, 10, 18, tzinfo=UTC).replace(tzinfo=None)
    try:
        await migrate.downgrade(engine, "0008")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert not tables & NEW_TABLES

        async with engine.begin() as conn:
            await conn.execute(
                communities.insert().values(
                    id=1,
                    code="oost",
                    name="Buurthuis Oost",
                    default_locale="nl",
                    time_zone="Europe/Amsterdam",
                    retention_months=24,
                    created_at=when,
                )
            )
            await conn.execute(
                meetings.insert().values(
                    id=1,
                    community_id=1,
                    status="scheduled",
                    starts_at=when,
                    time_zone="Europe/Amsterdam",
                    source_locale="nl",
                    version=1,
                    created_at=when,
                    updated_at=when,
                )
            )

        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            limit = await conn.scalar(
                sa.select(meetings.c.supports_per_member).where(meetings.c.id == 1)
            )
        assert tables >= NEW_TABLES
        assert limit == 3

        await migrate.downgrade(engine, "0008")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            columns = await conn.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("meetings")}
            )
        assert not tables & NEW_TABLES
        assert "supports_per_member" not in columns
    finally:
        await migrate.upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(meetings.delete())
            await conn.execute(communities.delete())
        await engine.dispose()
