"""`samen doctor` on a good and on a broken installation."""

from __future__ import annotations

from pathlib import Path

from bot import fonts
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
    assert "Telegram refused TELEGRAM_BOT_TOKEN" in out
    assert "2 check(s) failed" in out
    assert not (tmp_path / "missing.db").exists()  # the doctor only looks


def test_doctor_with_broken_settings_fails_without_a_traceback(monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/samen")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "DATABASE_URL: unsupported scheme" in out


def test_doctor_warns_about_what_a_new_installation_forgets(
    database_url: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TEST_TOKEN}\n", encoding="utf-8")
    (tmp_path / ".env").chmod(0o644)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SAMEN_COORDINATOR_IDS", raising=False)
    monkeypatch.setenv("SAMEN_WEBHOOK_URL", "https://samen.invalid")  # but no secret
    if database_url.startswith("sqlite"):
        Path(database_url.split("///", 1)[1]).chmod(0o644)
    assert main(["doctor", "--offline"]) == 1
    out = capsys.readouterr().out
    assert "SAMEN_COORDINATOR_IDS is empty" in out
    assert ".env is readable by others (mode 644): chmod 600 .env" in out
    assert "`samen run` would stop: webhook mode needs SAMEN_WEBHOOK_URL" in out
    if database_url.startswith("sqlite"):
        # Opening the database closes it to others again (bot/db/disk.py); the doctor
        # reports the mode it leaves.
        assert "permissions samen.db" in out
        assert "mode 600" in out
    assert TEST_TOKEN not in out


def test_doctor_is_content_with_a_careful_installation(
    database_url: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TEST_TOKEN}\n", encoding="utf-8")
    (tmp_path / ".env").chmod(0o600)
    if database_url.startswith("sqlite"):
        Path(database_url.split("///", 1)[1]).chmod(0o600)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SAMEN_COORDINATOR_IDS", "933000001")
    assert main(["doctor", "--offline"]) == 0
    out = capsys.readouterr().out
    assert "warning" not in out
    assert "1 configured" in out
    assert out.strip().endswith("all checks passed")


def test_doctor_names_the_fonts_that_charts_and_posters_miss(
    database_url: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    monkeypatch.setattr(fonts, "FONT_DIRS", (tmp_path,))
    (tmp_path / "NotoSans-Regular.ttf").write_bytes(b"")  # found by name, one of six
    main(["doctor", "--offline"])
    (line,) = [ln for ln in capsys.readouterr().out.splitlines() if " fonts " in ln]
    assert line.split()[0] == "warning"
    assert line.endswith(
        "reports and posters cannot draw every script, Noto Sans (Latin and Cyrillic), "
        "Noto Sans Arabic (Arabic and Farsi), Noto Sans Ethiopic (Tigrinya) not installed: "
        "apt-get install fonts-noto-core (or `make fonts`)"
    )
