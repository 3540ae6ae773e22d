"""`samen run`: migrate the database, then answer Telegram (long polling, or a webhook)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Any

import uvicorn
from telegram import Update

from bot.channels.telegram import build_application
from bot.channels.telegram.app import SamenApplication
from bot.channels.telegram.context import runtime_of
from bot.channels.telegram.health import health_report
from bot.channels.telegram.webhook import create_webhook_app
from bot.cli.common import settings
from bot.config import Settings
from bot.db import prepare_database
from bot.logs import configure_logging

log = logging.getLogger(__name__)

EXIT_CONFLICT = 3


def register(commands: Any) -> None:
    parser = commands.add_parser("run", help="run the bot (long polling, or --webhook)")
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="serve a webhook instead of polling (also when SAMEN_WEBHOOK_URL is set)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = settings()
    token = config.require_token()
    webhook = args.webhook or config.webhook_url is not None
    secrets = [token]
    if webhook:
        secrets.append(config.require_webhook()[1])
    if config.export_secret is not None:
        secrets.append(config.export_secret.get_secret_value())
    configure_logging(config.log_level, secrets=secrets, json_format=config.log_format == "json")
    # Migrate before anything starts, in a loop of its own: a database problem is one clear
    # line and exit 2, not a traceback from inside the application.
    asyncio.run(prepare_database(config.database_url, config.safe_database_url()))
    app = build_application(config)
    if webhook:
        asyncio.run(serve_webhook(app, config))
    else:
        log.info("starting to poll for updates")
        runtime = runtime_of(app)
        app.run_polling(
            allowed_updates=Update.ALL_TYPES,
            stop_signals=(signal.SIGINT, signal.SIGTERM),
            close_loop=True,
        )
        if runtime.stop_reason:
            print(f"samen: {runtime.stop_reason}", file=sys.stderr)
            return EXIT_CONFLICT
    log.info("stopped")
    return 0


async def serve_webhook(app: SamenApplication, config: Settings) -> None:
    """Serve the webhook until SIGTERM or SIGINT, then stop in order and close the database."""
    url, secret = config.require_webhook()
    asgi = create_webhook_app(
        app, secret=secret, path=config.webhook_path, health=lambda: health_report(app)
    )
    server = uvicorn.Server(
        uvicorn.Config(
            asgi,
            host=config.listen_host,
            port=config.listen_port,
            log_config=None,
            access_log=False,  # access lines would carry the path; ids are enough
            lifespan="off",
        )
    )
    # uvicorn re-raises the signal that stopped it once it has shut down; with the default
    # handler that would kill the process before the application and database are closed.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: None)
    try:
        async with app:
            await app.start()
            await app.bot.set_webhook(
                url=url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            log.info("serving the webhook", extra={"state": config.webhook_path})
            try:
                await server.serve()
            finally:
                await app.stop()
    finally:
        await runtime_of(app).close()
