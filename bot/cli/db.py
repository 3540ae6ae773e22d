"""`samen db upgrade|downgrade|current`: the only way the schema changes."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import settings, with_engine
from bot.db import check_connection, migrate


def upgrade(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> None:
        await check_connection(engine, config.safe_database_url())
        await migrate.upgrade(engine, args.revision)

    with_engine(config, work, migrate=False)
    print(f"database at {config.safe_database_url()} upgraded to {args.revision}")
    return 0


def downgrade(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> None:
        await check_connection(engine, config.safe_database_url())
        await migrate.downgrade(engine, args.revision)

    with_engine(config, work, migrate=False)
    print(f"database at {config.safe_database_url()} downgraded to {args.revision}")
    return 0


def show_current(_args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> str | None:
        await check_connection(engine, config.safe_database_url())
        return await migrate.current_revision(engine)

    revision = with_engine(config, work, migrate=False)
    head = migrate.head_revision()
    state = "up to date" if revision == head else f"behind (head is {head})"
    print(f"{revision or 'empty'}: {state}")
    return 0
