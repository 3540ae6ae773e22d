"""`samen doctor` on a good and on a broken installation."""

from __future__ import annotations

from pathlib import Path

from bot.cli import main
from tests.conftest import TEST_TOKEN
from tests.fakes.bot_api import Errors
from tests.fakes.http_server import FakeBotAPIServer


def test_doctor_on_a_good_installation(database_url: str, monkeypatch, capsys) -> None:
    with FakeBotAPIServer() as fake:
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
        monkeypatch.setenv("TELEGRAM_API_URL", fake.url)
        assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "reachable as @samen_test_bot" in out
    assert "schema up to date" in out
    assert "no webhook set" in out
    assert out.strip().endswith("all checks passed")
    assert TEST_TOKEN not in out


def test_doctor_on_a_broken_installation(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    with FakeBotAPIServer() as fake:
        fake.api.fail(Errors.UNAUTHORIZED, method="getMe")
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing.db'}")
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
        monkeypatch.setenv("TELEGRAM_API_URL", fake.url)
        assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "missing.db does not exist" in out
    assert "Telegram refused the token" in out
    assert "2 check(s) failed" in out
    assert not (tmp_path / "missing.db").exists()  # the doctor only looks


def test_doctor_with_broken_settings_fails_without_a_traceback(monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/samen")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "DATABASE_URL: unsupported scheme" in out
