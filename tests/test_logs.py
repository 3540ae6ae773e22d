"""Logs carry ids, not content, and never a token."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from bot.logs import ContextFormatter, JsonFormatter, RedactSecrets, configure_logging
from bot.redaction import RedactingStream, Redactor

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


def _failing_record(secret_text: str) -> logging.LogRecord:
    try:
        raise RuntimeError(f"The token `{secret_text}` was rejected by the server.")
    except RuntimeError:
        return logging.LogRecord(
            "telegram.ext.Application", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )


@pytest.mark.parametrize("json_format", [False, True])
def test_exception_text_and_traceback_are_redacted(json_format: bool) -> None:
    # PTB's InvalidToken quotes the token in its message, which lands in the traceback.
    stream = io.StringIO()
    configure_logging("INFO", secrets=["hunter2-db-password"], json_format=json_format)
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)  # type: ignore[attr-defined]
    log = logging.getLogger("telegram.ext.Application")
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected; db password hunter2-db-password")
    except RuntimeError:
        log.exception("bootstrap failed for %s", TOKEN)
    log.error("stack too", stack_info=True, extra={"state": "x"})
    output = stream.getvalue()
    assert "Traceback" in output or "\\n" in output  # the traceback is there ...
    assert "RuntimeError" in output
    assert TOKEN not in output  # ... without the secrets
    assert TOKEN.split(":")[1] not in output
    assert "hunter2-db-password" not in output
    assert output.count("[redacted]") >= 3
    if json_format:
        lines = [json.loads(line) for line in output.splitlines()]
        assert "[redacted]" in lines[0]["exception"]
        assert "stack" in lines[1]


def test_a_formatter_redacts_even_a_record_that_skipped_the_filter() -> None:
    record = _failing_record(TOKEN)
    for formatter in (ContextFormatter("%(message)s"), JsonFormatter()):
        text = formatter.format(record)
        assert TOKEN not in text
        assert "[redacted]" in text
        record.exc_text = None


def test_a_password_is_redacted_in_its_url_encoded_form_too() -> None:
    redactor = Redactor(["p@ss/w0rd"])
    assert redactor.redact("postgresql://samen:p%40ss%2Fw0rd@db/samen") == (
        "postgresql://samen:[redacted]@db/samen"
    )
    assert redactor.redact("p@ss/w0rd") == "[redacted]"
    # Values too short to be a secret would blank out ordinary words.
    assert Redactor(["ab"]).redact("ab cd") == "ab cd"


def test_the_cli_output_streams_are_redacted(capsys) -> None:
    stream = RedactingStream(sys.stdout, Redactor(["export-secret-value-123"]))
    print(f"token {TOKEN} and export-secret-value-123", file=stream)
    assert capsys.readouterr().out == "token [redacted] and [redacted]\n"
