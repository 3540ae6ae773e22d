"""Alembic environment. Samen runs migrations from Python (bot.db.migrate) with a connection
handed over in `config.attributes`; `alembic` on the command line works too."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from bot.db import models  # noqa: F401  (registers every table on the metadata)
from bot.db.base import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Migrations spell our UTC type as the plain column type it stores.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    # Stand-alone use (`alembic upgrade head`): build an engine from the settings.
    from bot.config import load_settings
    from bot.db.engine import create_engine

    async def _run() -> None:
        engine = create_engine(load_settings().database_url)
        async with engine.begin() as conn:
            await conn.run_sync(_run_sync)
        await engine.dispose()

    def _run_sync(connection: Connection) -> None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()

    asyncio.run(_run())


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `samen db upgrade`.")
run_migrations_online()
