"""`samen playground`: the real bot for invented people, in a page on this computer."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from pathlib import Path

from bot.cli.common import CommandError
from bot.logs import configure_logging
from bot.playground.server import run
from bot.playground.session import (
    PLAYGROUND_TOKEN,
    DatabaseChoice,
    Playground,
    PlaygroundRefused,
    own_database,
)


def default_data_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "samen"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def playground(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise CommandError("--port must be 1 to 65535")
    configure_logging("INFO", secrets=[PLAYGROUND_TOKEN])
    # Migrations and job bookkeeping are noise here; the bot's own warnings still show.
    for noisy in ("alembic", "apscheduler", "uvicorn.error", "telegram.ext"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not _is_loopback(args.host):
        print(
            f"samen: warning: listening on {args.host}: anyone who can reach it can act as "
            "the playground's people",
            file=sys.stderr,
        )
    if args.database:
        database = DatabaseChoice(args.database, None)
    else:
        database = own_database(args.data_dir or default_data_dir())
    session = Playground(database)
    try:
        run(session, host=args.host, port=args.port, open_browser=not args.no_browser)
    except PlaygroundRefused as exc:
        raise CommandError(str(exc)) from None
    return 0
