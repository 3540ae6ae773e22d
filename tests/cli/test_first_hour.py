"""The README's "First hour" walk-through really runs, command by command, on both engines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.cli.test_run_process import samen_env
from tests.fonts_support import drawing_fonts

__all__ = ["drawing_fonts"]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def first_database(database_url: str, tmp_path: Path) -> str:
    """SQLite: a file that does not exist yet, as on a new server. PostgreSQL: this run's
    database (a never-migrated one is tested in test_fresh_database.py)."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'data' / 'samen.db'}"
    return database_url


@pytest.mark.usefixtures("drawing_fonts")  # the poster
def test_the_first_hour_script_runs_from_install_to_export(
    first_database: str, tmp_path: Path
) -> None:
    (tmp_path / "data").mkdir()
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        ["bash", str(ROOT / "docs" / "first-hour.sh")],
        cwd=tmp_path,
        env=samen_env(
            tmp_path,
            PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            DATABASE_URL=first_database,
            SAMEN_BOT_USERNAME="samen_utrecht_bot",
            MY_TELEGRAM_ID="933000001",
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "https://t.me/samen_utrecht_bot?start=buurthuis-oost" in out
    assert "933000001 is now coordinator of buurthuis-oost" in out
    assert "first-meeting.yaml: valid (2 language(s), 4 question(s)); nothing was created" in out
    assert "created meeting #" in out
    assert "audience: 0 member(s)" in out
    assert "Traceback" not in result.stderr
    assert (tmp_path / "poster.pdf").read_bytes().startswith(b"%PDF-")
    (export,) = (tmp_path / "exports").glob("*.xlsx")
    workbook = openpyxl.load_workbook(export, read_only=True)
    assert len(workbook.sheetnames) >= 2  # answers and RSVPs
    for action in ("community.create", "role.grant", "meeting.create", "export"):
        assert action in out, action
