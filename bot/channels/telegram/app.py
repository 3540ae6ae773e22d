"""The application factory: nothing is built at import time."""

from __future__ import annotations

from typing import Any

from telegram.ext import AIORateLimiter, Application, ContextTypes
from telegram.request import BaseRequest

from bot.channels.telegram import handlers, menus
from bot.channels.telegram.context import RUNTIME_KEY, SamenContext, runtime_of
from bot.channels.telegram.outbox.worker import OutboxWorker, build_outbox
from bot.channels.telegram.turns import ChatTurns
from bot.config import Settings
from bot.runtime import Runtime

SamenApplication = Application[Any, SamenContext, Any, Any, Any, Any]
OUTBOX_KEY = "samen.outbox"


def build_application(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    request: BaseRequest | None = None,
) -> SamenApplication:
    """Create the python-telegram-bot application with every handler registered.

    `request` replaces the HTTP layer (tests pass a fake Bot API); `TELEGRAM_API_URL` points
    the real one at a local Bot API server.
    """
    runtime = runtime or Runtime.create(settings)
    api = settings.telegram_api_url
    builder = (
        Application.builder()
        .token(settings.require_token())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .context_types(ContextTypes(context=SamenContext))
        # Chats side by side, each chat's updates in order (see turns.py).
        .concurrent_updates(ChatTurns())
        # Direct replies stay within Telegram's overall limit; the outbox has its own pacing.
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.reply_rate, max_retries=1))
        # Once the bot is up: the translated command menus, the outbox and the periodic jobs.
        .post_init(_post_init)
        .post_stop(_stop_outbox)
        .post_shutdown(_close_runtime)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    app.bot_data[RUNTIME_KEY] = runtime
    app.bot_data[OUTBOX_KEY] = build_outbox(runtime, role="run", request=request)
    handlers.register(app)
    return app


def outbox_of(app: SamenApplication) -> OutboxWorker:
    return app.bot_data[OUTBOX_KEY]


async def _post_init(app: SamenApplication) -> None:
    await menus.publish(app)
    await _start_outbox(app)


async def _start_outbox(app: SamenApplication) -> None:
    await outbox_of(app).start()


async def _stop_outbox(app: SamenApplication) -> None:
    await outbox_of(app).stop()


async def _close_runtime(app: SamenApplication) -> None:
    await runtime_of(app).close()
