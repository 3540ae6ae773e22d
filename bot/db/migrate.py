"""Alembic, driven from Python so that it runs inside the bot's event loop."""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import resources
from bot.errors import OperatorError

# migrations/ of a checkout, or the copy an installed wheel carries.
MIGRATIONS_DIR = resources.migrations_dir()


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # env.py uses this connection instead of opening its own (and calling asyncio.run).
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


class UnknownRevision(OperatorError):
    """The database was migrated by a newer Samen than this one."""


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str | None:
    return _scripts().get_current_head()


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


async def ensure_current(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration, as `samen run` does before it starts, so
    that every command works on a new database. Cheap when it is up to date already."""
    current = await current_revision(engine)
    if current == head_revision():
        return
    if current is not None and current not in known_revisions():
        raise UnknownRevision(
            f"the database is at revision {current}, which this Samen does not know "
            f"(its newest is {head_revision()}): a newer Samen migrated it; install that "
            "version again, or restore the backup taken before the upgrade"
        )
    await upgrade(engine)
