"""Asking the Bot API who the bot is, for commands that start or print links.

A refused token and an unreachable Telegram each become one line that names the fix.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from telegram import Bot, User
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from bot.cli.common import CommandError
from bot.config import Settings

log = logging.getLogger(__name__)

TOKEN_REFUSED = (
    "Telegram refused TELEGRAM_BOT_TOKEN (revoked or mistyped): copy the bot's current token "
    "from @BotFather (/mybots → API Token) into the environment or .env"
)
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0
# EX_TEMPFAIL: unlike exit 2 (a setting to fix), systemd restarts it after RestartSec.
EXIT_TEMPORARY = 75


class TelegramUnreachable(CommandError):
    """Telegram did not answer for SAMEN_TELEGRAM_WAIT_SECONDS: worth trying again later."""

    exit_code = EXIT_TEMPORARY


def make_bot(config: Settings) -> Bot:
    api = config.telegram_api_url
    return Bot(
        config.require_token(),
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=HTTPXRequest(connect_timeout=10, read_timeout=10),
    )


async def who_am_i(config: Settings) -> User:
    """The bot's own user (getMe); CommandError when the token is refused or on any error."""
    try:
        async with make_bot(config) as bot:
            return bot.bot
    except InvalidToken:
        raise CommandError(TOKEN_REFUSED) from None
    except NetworkError as exc:
        raise CommandError(unreachable(config, exc)) from None
    except TelegramError as exc:
        raise CommandError(
            f"Telegram answered getMe with an error ({type(exc).__name__})"
        ) from None


def unreachable(config: Settings, exc: Exception) -> str:
    return (
        f"cannot reach Telegram at {config.telegram_api_url} ({type(exc).__name__}): check the "
        "network, a proxy or firewall, and TELEGRAM_API_URL"
    )


async def wait_for_telegram(
    config: Settings,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> User:
    """getMe, retried with growing pauses while Telegram is unreachable, for at most
    SAMEN_TELEGRAM_WAIT_SECONDS; a refused token is not retried. A bot started at boot
    before the network is up waits here instead of crashing and being restarted in a loop."""
    deadline = clock() + config.telegram_wait_seconds
    pause = FIRST_PAUSE
    while True:
        try:
            async with make_bot(config) as bot:
                return bot.bot
        except InvalidToken:
            raise CommandError(TOKEN_REFUSED) from None
        except NetworkError as exc:
            left = deadline - clock()
            if left <= 0:
                raise TelegramUnreachable(
                    f"{unreachable(config, exc)}; gave up after "
                    f"{config.telegram_wait_seconds:g} s (SAMEN_TELEGRAM_WAIT_SECONDS)"
                ) from None
            pause = min(pause, left)
            log.warning(
                "cannot reach Telegram (%s); trying again in %.0f s",
                type(exc).__name__,
                pause,
            )
            await sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
        except TelegramError as exc:
            raise CommandError(
                f"Telegram answered getMe with an error ({type(exc).__name__})"
            ) from None
