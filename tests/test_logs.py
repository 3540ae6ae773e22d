"""Logs carry ids, not content, and never a token."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import JsonFormatter, RedactSecrets, configure_logging

TOKEN = "123456789:AAF-invented-token-value-for-tests"


@pytest.fixture(autouse=True)
def _restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name in ("telegram", "apscheduler", "httpx", "httpcore", "aiosqlite"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def test_known_secrets_and_token_shapes_are_redacted() -> None:
    redact = RedactSecrets(["webhook-secret-value"]).redact
    assert redact(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage") == (
        "POST https://api.telegram.org/bot[redacted]/sendMessage"
    )
    assert redact("header webhook-secret-value seen") == "header [redacted] seen"


def test_a_record_with_a_token_in_its_arguments_is_redacted() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "calling %s", (TOKEN,), None)
    RedactSecrets().filter(record)
    assert TOKEN not in record.getMessage()


def test_json_lines_carry_the_context_fields() -> None:
    record = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "update ignored", (), None)
    record.update_id = 42
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "update ignored"
    assert line["update_id"] == 42
    assert line["level"] == "INFO"


def test_debug_for_samen_keeps_telegram_and_http_clients_quiet() -> None:
    configure_logging("DEBUG", secrets=[TOKEN])
    assert logging.getLogger("bot").getEffectiveLevel() == logging.DEBUG
    # These log whole updates, request URLs with the token, or SQL parameters at DEBUG.
    for chatty in ("telegram", "telegram.ext.ExtBot", "httpx", "aiosqlite"):
        assert not logging.getLogger(chatty).isEnabledFor(logging.DEBUG), chatty
