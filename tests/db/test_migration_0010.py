"""Migration 0010 (ambassadors and contributions) upgrades a database that holds meetings and
role assignments, keeps a statement's totals when its person goes, and goes back down."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from bot.db import migrate
from bot.db.engine import create_engine

NEW_TABLES = {"meeting_hosts", "contributions", "allowances", "statements"}

# The schema as 0009 left it (plus 0010's tables), not as the models say today.
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
members = sa.table(
    "members", sa.column("id"), sa.column("telegram_user_id"), sa.column("created_at")
)
roles = sa.table(
    "role_assignments",
    sa.column("id"),
    sa.column("community_id"),
    sa.column("telegram_user_id"),
    sa.column("role"),
    sa.column("granted_at"),
)
contributions = sa.table(
    "contributions",
    sa.column("id"),
    sa.column("community_id"),
    sa.column("member_id"),
    sa.column("kind"),
    sa.column("occurred_at"),
    sa.column("minutes"),
    sa.column("status"),
    sa.column("dedupe_key"),
    sa.column("created_at"),
)
statements = sa.table(
    "statements",
    sa.column("id"),
    sa.column("community_id"),
    sa.column("month"),
    sa.column("member_id"),
    sa.column("code"),
    sa.column("minutes"),
    sa.column("activities"),
    sa.column("amount_cents"),
    sa.column("created_at"),
)


async def test_contributions_tables_come_and_go_and_keep_their_rules(database_url: str) -> None:
    engine = create_engine(database_url)
    when = datetime(2026, 11, 10, 18, tzinfo=UTC).replace(tzinfo=None)
    try:
        await migrate.downgrade(engine, "0009")
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
                members.insert().values(id=1, telegram_user_id=7001, created_at=when)
            )
            await conn.execute(
                roles.insert().values(
                    id=1, community_id=1, telegram_user_id=7001, role="organiser", granted_at=when
                )
            )

        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.begin() as conn:
            # The role column takes the new value as it is: VARCHAR, no constraint to migrate.
            await conn.execute(
                roles.insert().values(
                    id=2, community_id=1, telegram_user_id=7001, role="ambassador", granted_at=when
                )
            )
            row = {
                "community_id": 1,
                "member_id": 1,
                "kind": "cohost",
                "occurred_at": when,
                "minutes": 120,
                "status": "confirmed",
                "dedupe_key": "cohost:1:1",
                "created_at": when,
            }
            await conn.execute(contributions.insert().values(id=1, **row))
            await conn.execute(
                statements.insert().values(
                    id=1,
                    community_id=1,
                    month="2026-11",
                    member_id=1,
                    code="M-ABCDEFGHIJKL",
                    minutes=120,
                    activities=1,
                    amount_cents=1120,
                    created_at=when,
                )
            )
        # An automatic row recorded twice is one row.
        try:
            async with engine.begin() as conn:
                await conn.execute(contributions.insert().values(id=2, **row))
        except IntegrityError:
            pass
        else:
            raise AssertionError("a second row with the same dedupe key was accepted")

        # The person goes: their contributions with them, the statement's totals stay.
        async with engine.begin() as conn:
            await conn.execute(members.delete().where(members.c.id == 1))
        async with engine.connect() as conn:
            left = await conn.scalar(sa.select(sa.func.count()).select_from(contributions))
            kept = (
                await conn.execute(sa.select(statements.c.member_id, statements.c.amount_cents))
            ).one()
        assert left == 0
        assert tuple(kept) == (None, 1120)

        await migrate.downgrade(engine, "0009")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert not tables & NEW_TABLES
    finally:
        await migrate.upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(roles.delete())
            await conn.execute(members.delete())
            await conn.execute(communities.delete())
        await engine.dispose()
