"""`samen run` as a real process: polls a fake Bot API over HTTP, answers, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx
import pytest

from bot.i18n.translator import FSI, PDI
from tests.conftest import TEST_TOKEN
from tests.factories import AMIRA, UpdateFactory
from tests.fakes.bot_api import Errors
from tests.fakes.http_server import FakeBotAPIServer

# Generous: this is about behaviour, not speed, on a loaded 2-core machine.
TIMEOUT = 60


def samen_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAMEN_", "TELEGRAM_", "DATABASE_"))
    }
    env.update(extra)
    return env


def test_run_polls_answers_start_in_arabic_and_stops_on_sigterm(tmp_path: Path) -> None:
    with FakeBotAPIServer() as fake:
        fake.api.queue_update(UpdateFactory().text(AMIRA, "/start"))
        # A file, not a pipe: a pipe nobody reads fills up and blocks the bot mid-log.
        log_file = (tmp_path / "samen.log").open("w+")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=samen_env(
                tmp_path,
                TELEGRAM_BOT_TOKEN=TEST_TOKEN,
                TELEGRAM_API_URL=fake.url,
                SAMEN_LOG_LEVEL="DEBUG",
            ),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            answered = fake.api.wait_for(
                lambda calls: any(c.method == "sendMessage" for c in calls), timeout=TIMEOUT
            )
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=TIMEOUT)
        finally:
            output = reap(process, log_file)
        assert answered, output
        reply = fake.api.sent(AMIRA.id)[0]
        assert reply.text is not None
        assert reply.text.startswith(f"أهلاً بك في Samen يا {FSI}Amira{PDI}!")
        assert process.returncode == 0, output
        # post_init registered the translated command menu before polling began.
        menus = fake.api.calls_to("setMyCommands")
        assert len(menus) == 10, output
        assert {c.params.get("language_code") for c in menus} >= {"nl", "ar", "ti", "uk"}
        assert TEST_TOKEN in fake.tokens_seen  # it really used the token...
        assert TEST_TOKEN not in output  # ...and never logged it, even at DEBUG
        assert TEST_TOKEN.split(":")[1] not in output
        assert "Traceback" not in output
        assert "amira_invented" not in output  # no personal data, even at DEBUG
        assert reply.text not in output
        assert (tmp_path / "samen.db").exists()  # SQLite by default, migrated on start


def test_run_without_a_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=samen_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "samen.db").exists()  # nothing written


def test_an_unreachable_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=samen_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            DATABASE_URL="postgresql://samen:hunter2@127.0.0.1:1/samen",
        ),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert "cannot reach the database" in result.stderr
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr
    assert TEST_TOKEN not in result.stderr


def test_an_unknown_database_scheme_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=tmp_path,
        env=samen_env(tmp_path, DATABASE_URL="mysql://root@localhost/samen"),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("samen: DATABASE_URL: unsupported scheme 'mysql'")
    assert not list(tmp_path.iterdir())


def reap(process: subprocess.Popen, log_file: IO[str]) -> str:
    """Kill the process if it is still running; return everything it logged."""
    if process.poll() is None:
        process.kill()
        process.wait(timeout=TIMEOUT)
    log_file.seek(0)
    output = log_file.read()
    log_file.close()
    return output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_run_webhook_registers_answers_and_stops_on_sigterm(tmp_path: Path, level: str) -> None:
    secret = "invented-webhook-secret-0123456789"
    port = free_port()
    with FakeBotAPIServer() as fake:
        log_file = (tmp_path / "samen.log").open("w+")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--webhook"],
            cwd=tmp_path,
            env=samen_env(
                tmp_path,
                TELEGRAM_BOT_TOKEN=TEST_TOKEN,
                TELEGRAM_API_URL=fake.url,
                SAMEN_WEBHOOK_URL="https://samen.invalid",
                SAMEN_WEBHOOK_SECRET=secret,
                SAMEN_LISTEN_PORT=str(port),
                SAMEN_LOG_LEVEL=level,
            ),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            registered = fake.api.wait_for(
                lambda calls: any(c.method == "setWebhook" for c in calls), timeout=TIMEOUT
            )
            assert registered
            call = fake.api.calls_to("setWebhook")[0]
            assert call.params["url"] == "https://samen.invalid/telegram"
            assert call.params["secret_token"] == secret
            base = f"http://127.0.0.1:{port}"
            update = UpdateFactory().text(AMIRA, "/start")
            health = _until_serving(base)
            assert health.status_code == 200, health.text
            # The outbox and the periodic jobs run in webhook mode too (post_init), and the
            # translated command menus were published.
            assert fake.api.wait_for(
                lambda calls: any(c.method == "setMyCommands" for c in calls), timeout=TIMEOUT
            )
            passes = _until_passes(base)
            assert passes.get("outbox") is not None, passes
            refused = httpx.post(f"{base}/telegram", json=update, timeout=TIMEOUT)
            assert refused.status_code == 403
            accepted = httpx.post(
                f"{base}/telegram",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                timeout=TIMEOUT,
            )
            assert accepted.status_code == 200
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=TIMEOUT)
        finally:
            output = reap(process, log_file)
        assert len(fake.api.sent(AMIRA.id)) == 1, output
        assert process.returncode == 0, output
        assert secret not in output
        assert TEST_TOKEN not in output


def _until_passes(base: str) -> dict[str, str | None]:
    """The periodic jobs' last passes from /healthz, once the outbox has made one (bounded)."""
    passes: dict[str, str | None] = {}
    for _ in range(600):
        passes = httpx.get(f"{base}/healthz", timeout=TIMEOUT).json().get("last_passes", {})
        if passes.get("outbox"):
            return passes
        time.sleep(0.1)
    return passes


def _until_serving(base: str) -> httpx.Response:
    """The health endpoint, once the server accepts connections (bounded, not timed)."""
    last_error: Exception | None = None
    for _ in range(600):
        try:
            return httpx.get(f"{base}/healthz", timeout=TIMEOUT)
        except httpx.TransportError as exc:
            last_error = exc
            time.sleep(0.1)
    raise AssertionError(f"webhook server never answered: {last_error!r}")


def test_a_second_poller_exits_with_one_clear_line_on_409(tmp_path: Path) -> None:
    with FakeBotAPIServer() as fake:
        fake.api.fail(Errors.CONFLICT, method="getUpdates", times=None)
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=samen_env(tmp_path, TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=fake.url),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    assert result.returncode == 3, result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("samen: another instance is already polling Telegram")
    assert "Traceback" not in result.stderr
    assert TEST_TOKEN not in result.stderr
