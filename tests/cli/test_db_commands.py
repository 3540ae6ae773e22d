"""`samen db upgrade`, `samen db downgrade base`, `samen db upgrade` on both databases."""

from __future__ import annotations

import pytest

from bot.cli import main


def test_db_upgrade_downgrade_upgrade(database_url: str, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["db", "downgrade", "base"]) == 0
    assert main(["db", "current"]) == 0
    assert "empty" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0  # idempotent


def test_db_command_needs_an_action(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["db"])
    assert exit_.value.code == 2
