"""Migration 0012 (translation tasks) upgrades a database that already holds a community and
a member: a task and its offer can be stored; an erased translator leaves the offer without
them; back down, both tables are gone."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import inspect

from bot.db import migrate
from bot.db.base import JsonData
from bot.db.engine import create_engine

# Lightweight table clauses: the schema as 0011 left it and 0012 adds, not the models.
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
tasks = sa.table(
    "translation_tasks",
    sa.column("id"),
    sa.column("community_id"),
    sa.column("subject"),
    sa.column("subject_id"),
    sa.column("source_locale"),
    sa.column("target_locale"),
    sa.column("status"),
    sa.column("approval"),
    sa.column("created_at"),
    sa.column("expires_at"),
)
assignments = sa.table(
    "task_assignments",
    sa.column("id"),
    sa.column("task_id"),
    sa.column("translator_member_id"),
    sa.column("state"),
    sa.column("fields", JsonData),
)


async def _tables(engine) -> set[str]:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))


async def test_tasks_are_stored_unlinked_on_erasure_and_the_way_back_is_clean(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    when = datetime(2026, 12, 1, 12, tzinfo=UTC).replace(tzinfo=None)
    try:
        await migrate.downgrade(engine, "0011")
        assert not {"translation_tasks", "task_assignments"} & await _tables(engine)
        async with engine.begin() as conn:
            await conn.execute(
                communities.insert().values(
                    id=1,
                    code="buurt-0012",
                    name="Buurthuis",
                    default_locale="nl",
                    time_zone="Europe/Amsterdam",
                    retention_months=24,
                    created_at=when,
                )
            )
            await conn.execute(
                members.insert().values(id=1, telegram_user_id=910000401, created_at=when)
            )

        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.begin() as conn:
            await conn.execute(
                tasks.insert().values(
                    id=1,
                    community_id=1,
                    subject="meeting",
                    subject_id=7,
                    source_locale="nl",
                    target_locale="ti",
                    status="open",
                    approval="organiser",
                    created_at=when,
                    expires_at=when,
                )
            )
            await conn.execute(
                assignments.insert().values(
                    id=1,
                    task_id=1,
                    translator_member_id=1,
                    state="submitted",
                    fields={"title": "ብሓባር ምብሳል"},
                )
            )
            stored = await conn.scalar(sa.select(assignments.c.fields))
            await conn.execute(members.delete().where(members.c.id == 1))
            translator = await conn.scalar(sa.select(assignments.c.translator_member_id))
        assert stored == {"title": "ብሓባር ምብሳል"}
        assert translator is None

        await migrate.downgrade(engine, "0011")
        assert not {"translation_tasks", "task_assignments"} & await _tables(engine)
    finally:
        await migrate.upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(assignments.delete())
            await conn.execute(tasks.delete())
            await conn.execute(members.delete())
            await conn.execute(communities.delete())
        await engine.dispose()
