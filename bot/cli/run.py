"""`samen run`: migrate the database, then answer Telegram (long polling, or a webhook)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

import uvicorn
from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.channels.telegram import build_application
from bot.channels.telegram.app import SamenApplication
from bot.channels.telegram.context import runtime_of
from bot.channels.telegram.health import health_report
from bot.channels.telegram.webhook import create_webhook_app
from bot.cli import telegram_api
from bot.cli.common import CommandError, settings
from bot.config import Settings
from bot.db import prepare_database
from bot.logs import configure_logging

log = logging.getLogger(__name__)

EXIT_CONFLICT = 3


def run(args: argparse.Namespace) -> int:
    config = settings()
    config.require_token()
    webhook = args.webhook or config.webhook_url is not None
    if webhook:
        config.require_webhook()
    configure_logging(
        config.log_level, secrets=config.secret_values(), json_format=config.log_format == "json"
    )
    # Migrate before anything starts, in a loop of its own: a database problem is one clear
    # line and exit 2, not a traceback from inside the application.
    asyncio.run(prepare_database(config.database_url, config.safe_database_url()))
    # The same for Telegram: a refused token is one line; an unreachable Telegram is waited
    # for (bounded), rather than a crash that systemd restarts in a loop.
    asyncio.run(telegram_api.wait_for_telegram(config))
    app = build_application(config)
    try:
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
    except InvalidToken:
        # Revoked between the check above and the application's own getMe.
        raise CommandError(telegram_api.TOKEN_REFUSED) from None
    except NetworkError as exc:
        raise telegram_api.TelegramUnreachable(telegram_api.unreachable(config, exc)) from None
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
