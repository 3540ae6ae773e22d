"""Logging: ids, not content; never a token."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

from telegram.error import Conflict

# Fields our code passes as `extra=` and that belong in the line.
_CONTEXT_FIELDS = (
    "update_id",
    "kind",
    "member_id",
    "user_id",
    "outbox_id",
    "chat_id",
    "locale",
    "state",
)
# The shape of a Bot API token, also inside a URL such as /bot123:ABC.../sendMessage.
_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class RedactSecrets(logging.Filter):
    """Replace known secrets, and anything shaped like a bot token, before a line is written."""

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return _TOKEN_SHAPE.sub("[redacted]", text)


class DropPollingConflicts(logging.Filter):
    """A 409 Conflict while polling is reported once, in one line, by the error handler; the
    updater's own traceback for its last clean-up poll would only repeat it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            return not isinstance(record.exc_info[1], Conflict)
        return True


class ContextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{name}={getattr(record, name)}" for name in _CONTEXT_FIELDS if hasattr(record, name)
        )
        return f"{line} {context}" if context else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _CONTEXT_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(
    level: str = "INFO", secrets: Iterable[str] = (), json_format: bool = False
) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_format:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The HTTP client logs every request URL, and Bot API URLs contain the token.
    # aiosqlite logs every statement with its parameters at DEBUG: personal data.
    for noisy in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # At DEBUG python-telegram-bot logs whole updates and requests: names and message texts.
    # Personal data stays out of our logs, so its loggers stop at INFO.
    for chatty in ("telegram", "apscheduler"):
        logging.getLogger(chatty).setLevel(max(logging.INFO, root.level))
    # Two lines for every run of every periodic job (the outbox runs every few seconds) would
    # bury what matters; a failing job is still logged by our scheduler, with its name.
    logging.getLogger("apscheduler.executors").setLevel(max(logging.WARNING, root.level))
    updater = logging.getLogger("telegram.ext.Updater")
    if not any(isinstance(f, DropPollingConflicts) for f in updater.filters):
        updater.addFilter(DropPollingConflicts())
