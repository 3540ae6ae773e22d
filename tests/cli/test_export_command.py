"""`samen export`: a coordinator's file on disk, with a progress bar, audited."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.config import load_settings
from bot.runtime import Runtime
from bot.services import audit
from tests.export_support import MIXED_ANSWER, World, add_answer, make_world

AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("TELEGRAM_BOT_TOKEN", "SAMEN_EXPORT_SECRET", "TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    return database_url


def in_runtime(database_url: str, work: Any) -> Any:
    async def run() -> Any:
        runtime = Runtime.create(load_settings(_env_file=None, DATABASE_URL=database_url))
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    return asyncio.run(run())


def world_with_answers(database_url: str) -> World:
    async def build(runtime: Runtime) -> World:
        world = await make_world(runtime)
        await add_answer(runtime, world, "amira", MIXED_ANSWER, at=AT)
        await add_answer(runtime, world, "sanne", "=HYPERLINK(1)", at=AT)
        return world

    return in_runtime(database_url, build)


def audit_events(database_url: str) -> list[Any]:
    async def read(runtime: Runtime) -> list[Any]:
        async with runtime.sessions() as session:
            return list(await audit.events(session))

    return in_runtime(database_url, read)


def test_export_writes_a_private_csv_and_an_audit_entry(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = world_with_answers(cli_env)
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "oost.csv"

    code = main(["export", "--community", "oost-4f9k", "--format", "csv", "--out", str(out)])

    assert code == 0
    assert "2 answers" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"), newline="")))
    # The community speaks Dutch: headers in Dutch unless --language says otherwise.
    assert [row["Antwoord"] for row in rows] == [MIXED_ANSWER, "'=HYPERLINK(1)"]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["oost.csv"]  # no temporary file left
    (event,) = audit_events(cli_env)
    assert (event.action, event.actor_user_id, event.row_count) == ("export", None, 2)
    assert event.community_id == world.community_id
    assert event.details["channel"] == "cli"


def test_a_directory_gets_a_generated_name_and_xlsx_in_the_chosen_language(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = world_with_answers(cli_env)
    folder = tmp_path / "exports"
    folder.mkdir()
    args = ["export", "--community", "oost-4f9k", "--meeting", str(world.meeting_id)]
    code = main([*args, "--language", "en", "--format", "xlsx", "--out", str(folder)])

    assert code == 0
    (written,) = folder.iterdir()
    assert written.name.startswith(f"samen-oost-4f9k-meeting-{world.meeting_id}-")
    assert written.suffix == ".xlsx"
    book = load_workbook(written)
    assert book.sheetnames[0] == "Summary"
    assert book.worksheets[1]["K2"].value == MIXED_ANSWER


def test_identifiable_needs_the_flag_warns_and_is_audited_as_such(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = world_with_answers(cli_env)
    out = tmp_path / "named.jsonl"
    base = ["export", "--community", "oost-4f9k", "--format", "jsonl", "--out", str(out)]

    assert main(base) == 0
    assert str(world.telegram_ids["amira"]) not in out.read_text()
    assert main([*base, "--identifiable"]) == 0

    assert str(world.telegram_ids["amira"]) in out.read_text()
    assert "Telegram user id" in capsys.readouterr().err
    actions = [event.action for event in audit_events(cli_env)]
    assert actions == ["export.identifiable", "export"]  # newest first


def test_progress_bar_is_drawn_on_a_terminal(tmp_path: Path) -> None:
    from bot.cli.progress import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = ProgressBar(1000, "answers", stream=screen)
    bar.update(500)
    bar.close()
    assert "[###############...............] 500/1,000 answers  50%" in screen.getvalue()
    quiet = io.StringIO()
    ProgressBar(10, "answers", stream=quiet).update(5)
    assert quiet.getvalue() == ""  # nothing in logs and pipes


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--community", "nope"], "no community with code 'nope'"),
        (["--community", "oost-4f9k", "--meeting", "999999"], "is not a meeting of oost-4f9k"),
        (["--community", "oost-4f9k", "--language", "xx"], "no catalog for the language"),
        (
            ["--community", "oost-4f9k", "--from", "2026-12-02", "--to", "2026-12-01"],
            "--from is after --to",
        ),
        (["--community", "oost-4f9k", "--out", "/nonexistent/dir/x.csv"], "no directory"),
    ],
)
def test_mistakes_are_one_clear_line_and_write_nothing(
    cli_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    world_with_answers(cli_env)
    out = tmp_path / "x.csv"
    if "--out" not in extra:
        extra = [*extra, "--out", str(out)]
    code = main(["export", *extra, "--format", "csv"])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert audit_events(cli_env) == []
