"""`samen report --format pdf`: one PDF a coordinator prints, in the language they chose."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot import fonts
from bot.cli import main
from bot.config import Settings
from bot.i18n import Catalogs
from bot.services.reports.charts import CHART_FILES
from tests.fonts_support import drawing_fonts
from tests.outbox_support import in_new_loop
from tests.report_support import seed_community

__all__ = ["drawing_fonts"]

ROOT = Path(__file__).resolve().parents[2]
catalogs = Catalogs(ROOT / "locales", "Europe/Amsterdam")
pytestmark = pytest.mark.usefixtures("drawing_fonts")


@pytest.fixture
def cli_env(database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    return settings


def words(text: str) -> list[str]:
    """Words as they come out of the PDF, letters and digits only: Arabic lines come in
    visual order (see tests/cli/test_poster_command.py), so a colon can stand on either side
    of its word; words are compared one by one."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text))


def summary_page_words(path: Path) -> tuple[int, list[str]]:
    """The pages, and the words of the first, taken piece by piece as they were drawn (a
    label and its figure are two pieces; the page's text as one string would glue them)."""
    reader = PdfReader(path)
    pieces: list[str] = []
    reader.pages[0].extract_text(visitor_text=lambda text, *_: pieces.append(text))
    return len(reader.pages), [word for piece in pieces for word in words(piece)]


@pytest.mark.parametrize(
    ("language", "expect_rtl"), [("uk", False), ("ar", True)], ids=["uk", "ar"]
)
def test_the_printed_report_has_the_headline_figures_in_the_chosen_language(
    cli_env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    language: str,
    expect_rtl: bool,
) -> None:
    in_new_loop(cli_env, seed_community)
    args = ["report", "--community", "oost", "--language", language, "--format", "pdf"]

    assert main([*args, "--out", str(tmp_path / "out")]) == 0

    (printed,) = capsys.readouterr().out.split()
    path = Path(printed)
    assert path == tmp_path / "out" / "report.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    pages, found = summary_page_words(path)
    assert pages >= 1 + len(CHART_FILES)  # the summary, then a page per chart
    t = catalogs.translator(language)
    assert t.rtl is expect_rtl
    expected = [
        t.gettext("Report: {community}", community="Invented Buurtkamer Oost"),
        # The headline figures: each label with its number, in the language's own digits.
        t.gettext("Members"),
        t.fmt_number(5),
        t.gettext("Answers"),
        t.gettext("Stories"),
        t.fmt_number(2),
        t.gettext("RSVPs per meeting"),
        "Werk zoeken" if language != "ar" else "البحث عن عمل",
    ]
    for text in expected:
        missing = [w for w in words(text) if w not in found]
        assert missing == [], (text, found)
    assert "Members" not in found  # not English


def test_right_to_left_summaries_are_set_from_the_right_edge(
    cli_env: Settings, tmp_path: Path
) -> None:
    in_new_loop(cli_env, seed_community)
    out = tmp_path / "verslag.pdf"
    for language in ("ar", "nl"):
        args = ["report", "--community", "oost", "--language", language, "--format", "pdf"]
        assert main([*args, "--out", str(out)]) == 0
        page = PdfReader(out).pages[0]
        width = float(page.mediabox.width)
        label = words(catalogs.translator(language).gettext("Stories"))
        starts: list[float] = []

        def visit(text: str, cm: list[float], tm: list[float], *_rest: object) -> None:
            if words(text) == label:  # noqa: B023 (this language's)
                # Where the piece starts on the page: its text matrix in the current one.
                starts.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])  # noqa: B023

        page.extract_text(visitor_text=visit)
        (start,) = starts
        # The label column: at the left margin in Dutch, ending at the right one in Arabic.
        if language == "ar":
            assert start > 0.75 * width, start
        else:
            assert start < 0.1 * width, start


@pytest.mark.parametrize("format_", ["pdf", "png"])
def test_without_the_fonts_the_report_stops_in_one_line_naming_the_fix(
    cli_env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    format_: str,
) -> None:
    in_new_loop(cli_env, seed_community)
    monkeypatch.setattr(fonts, "FONT_DIRS", ())
    out = tmp_path / "out"
    args = ["report", "--community", "oost", "--language", "ti", "--format", format_]
    assert main([*args, "--out", str(out)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        "samen: cannot draw every script, Noto Sans (Latin and Cyrillic), Noto Sans Arabic "
        "(Arabic and Farsi), Noto Sans Ethiopic (Tigrinya) not installed: "
        "apt-get install fonts-noto-core (or `make fonts`)"
    )
    assert not out.exists() or not any(out.iterdir())
