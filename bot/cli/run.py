"""`samen run`: migrate the database, then answer Telegram (long polling)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import Any

from telegram import Update

from bot.channels.telegram import build_application
from bot.cli.common import settings
from bot.db import prepare_database
from bot.logs import configure_logging

log = logging.getLogger(__name__)


def register(commands: Any) -> None:
    parser = commands.add_parser("run", help="run the bot (long polling)")
    parser.set_defaults(handler=run)


def run(_args: argparse.Namespace) -> int:
    config = settings()
    token = config.require_token()
    configure_logging(config.log_level, secrets=[token], json_format=config.log_format == "json")
    # Migrate before polling starts, in a loop of its own: a database problem is one clear
    # line and exit 2, not a traceback from inside the application.
    asyncio.run(prepare_database(config.database_url, config.safe_database_url()))
    app = build_application(config)
    log.info("starting to poll for updates")
    app.run_polling(
        allowed_updates=Update.ALL_TYPES,
        stop_signals=(signal.SIGINT, signal.SIGTERM),
        close_loop=True,
    )
    log.info("stopped")
    return 0
