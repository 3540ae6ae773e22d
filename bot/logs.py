"""Logging: ids, not content; never a token."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

from telegram.error import Conflict, InvalidToken

from bot.redaction import SECRETS, Redactor

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
_FORMATTER = logging.Formatter()


class RedactSecrets(logging.Filter):
    """Redact a record before any handler formats it: its message, its exception text and its
    stack. Exception texts carry secrets too (PTB's InvalidToken quotes the token)."""

    def __init__(self, secrets: Iterable[str] = (), redactor: Redactor = SECRETS):
        super().__init__()
        self._redactor = redactor
        self._redactor.add(*secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so every handler writes this one.
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def redact(self, text: str) -> str:
        return self._redactor.redact(text)


class DropPollingConflicts(logging.Filter):
    """A 409 Conflict while polling is reported once, in one line, by the error handler; the
    updater's own traceback for its last clean-up poll would only repeat it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            return not isinstance(record.exc_info[1], Conflict)
        return True


class DropRefusedToken(logging.Filter):
    """A refused token ends `samen run` with one line that names the fix; python-telegram-bot's
    own traceback for it would only repeat it, 40 lines long."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            return not isinstance(record.exc_info[1], InvalidToken)
        return True


class ContextFormatter(logging.Formatter):
    def __init__(self, fmt: str | None = None, redactor: Redactor = SECRETS):
        super().__init__(fmt)
        self._redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{name}={getattr(record, name)}" for name in _CONTEXT_FIELDS if hasattr(record, name)
        )
        # Redacted again as written: a record that skipped the filter is still cleaned.
        return self._redactor.redact(f"{line} {context}" if context else line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def __init__(self, redactor: Redactor = SECRETS):
        super().__init__()
        self._redactor = redactor

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
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # Each value is redacted before encoding: JSON escapes would hide a secret's shape.
        clean = {
            key: self._redactor.redact(value) if isinstance(value, str) else value
            for key, value in entry.items()
        }
        return json.dumps(clean, ensure_ascii=False, default=str)


def configure_logging(
    level: str = "INFO", secrets: Iterable[str] = (), json_format: bool = False
) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_format:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(DropRefusedToken())
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
