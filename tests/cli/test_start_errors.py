"""What an installer gets wrong at start: one line that names the fix, exit 2, no traceback,
and no secret anywhere in what Samen writes (plain or JSON logs)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.cli.test_run_process import TIMEOUT, free_port, reap, samen_env
from tests.conftest import _PG_KEY, TEST_TOKEN
from tests.fakes.bot_api import Errors
from tests.fakes.http_server import FakeBotAPIServer

SECRET_PART = TEST_TOKEN.split(":")[1]


def run_samen(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=tmp_path,
        env=samen_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def assert_one_clean_line(
    result: subprocess.CompletedProcess[str], expected: str, exit_code: int = 2
) -> str:
    """Exit 2, the last line is Samen's one line, and no traceback or token anywhere."""
    output = result.stdout + result.stderr
    assert result.returncode == exit_code, output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("samen: "), output
    assert expected in last, output
    assert "Traceback" not in output
    assert TEST_TOKEN not in output
    assert SECRET_PART not in output
    return last


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_a_rejected_token_at_start_is_one_line_and_never_logged(
    tmp_path: Path, log_format: str
) -> None:
    with FakeBotAPIServer() as fake:
        fake.api.fail(Errors.UNAUTHORIZED, method="getMe", times=None)
        result = run_samen(
            tmp_path,
            "run",
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=fake.url,
            SAMEN_LOG_FORMAT=log_format,
            SAMEN_LOG_LEVEL="DEBUG",
        )
        assert TEST_TOKEN in fake.tokens_seen  # Telegram was asked, with the token
    last = assert_one_clean_line(result, "Telegram refused TELEGRAM_BOT_TOKEN")
    assert "@BotFather" in last


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_a_token_revoked_as_polling_starts_is_one_line_too(
    tmp_path: Path, log_format: str
) -> None:
    with FakeBotAPIServer() as fake:
        # The check before start passes; the application's own getMe is refused.
        fake.api.fail(Errors.UNAUTHORIZED, method="getMe", times=None, after=1)
        result = run_samen(
            tmp_path,
            "run",
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=fake.url,
            SAMEN_LOG_FORMAT=log_format,
        )
        assert len(fake.api.calls_to("getMe")) == 2
    assert_one_clean_line(result, "Telegram refused TELEGRAM_BOT_TOKEN")


def test_an_unreachable_telegram_is_waited_for_then_one_line(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    result = run_samen(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=closed,
        SAMEN_TELEGRAM_WAIT_SECONDS="2",
    )
    # Not 2: systemd restarts this one later (RestartPreventExitStatus=2 in docs/deploy.md).
    last = assert_one_clean_line(result, f"cannot reach Telegram at {closed}", exit_code=75)
    assert "gave up after 2 s (SAMEN_TELEGRAM_WAIT_SECONDS)" in last
    assert result.stderr.count("trying again in") >= 1  # it retried, with pauses


def test_telegram_coming_up_while_samen_waits_is_used(tmp_path: Path) -> None:
    port = free_port()
    log_file = (tmp_path / "samen.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=samen_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=f"http://127.0.0.1:{port}",
            SAMEN_TELEGRAM_WAIT_SECONDS="120",
        ),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(600):  # until it has failed once and waits (bounded, not timed)
            if "trying again in" in (tmp_path / "samen.log").read_text():
                break
            time.sleep(0.1)
        with FakeBotAPIServer(port=port) as fake:
            polled = fake.api.wait_for(
                lambda calls: any(c.method == "setMyCommands" for c in calls), timeout=TIMEOUT
            )
            process.terminate()
            process.wait(timeout=TIMEOUT)
    finally:
        output = reap(process, log_file)
    assert polled, output
    assert process.returncode == 0, output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("env", "dotenv", "expected"),
    [
        ({"DATABASE_URL": "sqlite://samen.db"}, "", "three slashes"),
        ({}, "DATABSE_URL=postgresql://samen:pw@db/samen\n", "did you mean DATABASE_URL?"),
        ({"SAMEN_LOG_LEVL": "DEBUG"}, "", "did you mean SAMEN_LOG_LEVEL?"),
        (
            {"DATABASE_URL": "sqlite:///no/such/folder/samen.db"},
            "",
            "the folder no/such/folder does not exist: create it (mkdir -p no/such/folder)",
        ),
        ({"SAMEN_WEBHOOK_URL": "https://samen.invalid"}, "", "SAMEN_WEBHOOK_SECRET"),
    ],
    ids=["two-slashes", "dotenv-typo", "env-typo", "sqlite-folder", "webhook-half"],
)
def test_a_bad_configuration_is_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str], dotenv: str, expected: str
) -> None:
    if dotenv:
        (tmp_path / ".env").write_text(dotenv, encoding="utf-8")
    result = run_samen(tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, **env)
    assert_one_clean_line(result, expected)
    assert "pw" not in result.stderr.replace("password", "")
    assert not (tmp_path / "samen.db").exists()  # nothing was created


def test_a_bad_token_makes_community_create_say_so(tmp_path: Path) -> None:
    with FakeBotAPIServer() as fake:
        fake.api.fail(Errors.UNAUTHORIZED, method="getMe", times=None)
        result = run_samen(
            tmp_path,
            "community",
            "create",
            "--name",
            "Invented",
            "--default-locale",
            "nl",
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=fake.url,
        )
    last = assert_one_clean_line(result, "Telegram refused TELEGRAM_BOT_TOKEN")
    assert "SAMEN_BOT_USERNAME" not in last


# --- why a database cannot be reached --------------------------------------------------------


@pytest.fixture
def pg_admin(request: pytest.FixtureRequest) -> str:
    status = request.config.stash[_PG_KEY]
    if not status.available or status.admin_url is None:
        pytest.skip(f"PostgreSQL not available: {status.reason}")
    return status.admin_url


def upgrade_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, capsys) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err.count("\n") == 1
    return captured.err


def test_a_missing_postgresql_database_is_named(
    pg_admin: str, monkeypatch, tmp_path: Path, capsys
) -> None:
    url = pg_admin.rsplit("/", 1)[0] + "/samen_nosuch_db"
    err = upgrade_error(monkeypatch, tmp_path, url, capsys)
    assert "the database 'samen_nosuch_db' does not exist: create it" in err
    assert "createdb -O" in err


def test_a_missing_postgresql_role_is_named(
    pg_admin: str, monkeypatch, tmp_path: Path, capsys
) -> None:
    url = pg_admin.replace("://postgres@", "://samen_nosuch_role:secret-pw@")
    err = upgrade_error(monkeypatch, tmp_path, url, capsys)
    assert "PostgreSQL has no role 'samen_nosuch_role': create it" in err
    assert "secret-pw" not in err


def test_a_refused_connection_is_named(monkeypatch, tmp_path: Path, capsys) -> None:
    url = f"postgresql://samen:secret-pw@127.0.0.1:{free_port()}/samen"
    err = upgrade_error(monkeypatch, tmp_path, url, capsys)
    assert "(connection refused): is PostgreSQL running there?" in err
    assert "secret-pw" not in err


@pytest.fixture
def refusing_postgres() -> Iterator[int]:
    """A server that speaks just enough of PostgreSQL's protocol to refuse a password, as a
    server with password authentication does (the test server trusts every local user)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def error(code: str, message: str) -> bytes:
        fields = b"".join(
            tag + value.encode() + b"\0"
            for tag, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", code), (b"M", message))
        )
        body = fields + b"\0"
        return b"E" + (len(body) + 4).to_bytes(4, "big") + body

    def serve() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with client:
                first = client.recv(8)
                if first[4:8] == (80877103).to_bytes(4, "big"):  # SSLRequest: no SSL here
                    client.sendall(b"N")
                    client.recv(4096)  # the startup message
                client.sendall(error("28P01", 'password authentication failed for user "samen"'))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()


def test_a_wrong_password_is_named(
    refusing_postgres: int, monkeypatch, tmp_path: Path, capsys
) -> None:
    url = f"postgresql://samen:wrong-secret-pw@127.0.0.1:{refusing_postgres}/samen"
    err = upgrade_error(monkeypatch, tmp_path, url, capsys)
    assert "PostgreSQL refused the password of the user 'samen': check DATABASE_URL" in err
    assert "wrong-secret-pw" not in err
