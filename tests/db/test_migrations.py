"""Alembic is the only way the schema changes, and it agrees with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.db import migrate
from bot.db.base import Base
from bot.db.engine import create_engine


async def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


async def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.downgrade(engine, "base")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        assert set(tables) <= {"alembic_version"}
        assert await migrate.current_revision(engine) is None

        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        assert set(Base.metadata.tables) <= set(tables)
    finally:
        await engine.dispose()


async def test_sqlite_is_tuned_for_a_bot(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        return
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000
    finally:
        await engine.dispose()
