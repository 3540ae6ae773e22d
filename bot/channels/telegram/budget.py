"""The application's Bot sends through the process's one Telegram budget (`Pacer`).

Every call the handlers make — replies, edits, files, answers to button taps — waits for
its turn at interactive priority, so it goes before any waiting outbox send, and the outbox
(its own Bot, `outbox/sender.py`) only gets the slots the replies leave. A `RetryAfter`
pauses the whole pacer, outbox included, and the reply waits its turn again: it is never
dropped by a retry limit, only given up after `give_up_after` seconds in all (and logged).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.services.outbox.pacer import Pacer, Priority

log = logging.getLogger(__name__)

# Telegram's per-chat limit is about messages; edits and answers to button taps (and calls
# with no chat at all) count only against the overall rate.
_NOT_MESSAGES = {"sendChatAction"}
_MESSAGES_ALSO = {"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"}

Result = bool | dict[str, Any] | list[dict[str, Any]]


def chat_of(endpoint: str, data: dict[str, Any]) -> int | str | None:
    """The chat a call counts against, or None when only the overall rate applies."""
    is_message = endpoint in _MESSAGES_ALSO or (
        endpoint.startswith("send") and endpoint not in _NOT_MESSAGES
    )
    chat = data.get("chat_id")
    if not is_message or chat is None:
        return None
    try:
        return int(chat)
    except (TypeError, ValueError):
        return str(chat)  # "@channelname"


def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that the int form is deprecated; both forms are handled here.
        warnings.simplefilter("ignore")
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


class PacedRateLimiter(BaseRateLimiter[None]):
    """python-telegram-bot's rate limiter interface on top of the shared pacer."""

    def __init__(self, pacer: Pacer, *, give_up_after: float = 600.0):
        self.pacer = pacer
        self.give_up_after = give_up_after

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        chat = chat_of(endpoint, data)
        timer = self.pacer.timer
        started = timer.now()
        throttled = 0
        while True:
            await self.pacer.acquire(chat, Priority.INTERACTIVE)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                # Everything in this process waits, the outbox too: Telegram counts the bot.
                self.pacer.pause(wait)
                throttled += 1
                ids = {"kind": endpoint, "chat_id": chat}
                if timer.now() + wait - started > self.give_up_after:
                    log.error(
                        "a call was given up after %d answers 429 in %.0f s",
                        throttled,
                        timer.now() - started,
                        extra=ids,
                    )
                    raise
                log.info("Telegram asked to wait %.1f s; the call waits its turn", wait, extra=ids)
