"""`samen community poster`: the A4 poster a community prints, in every language it uses."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import png
import pytest
from pypdf import PdfReader

from bot import fonts
from bot.cli import main
from bot.config import Settings
from bot.i18n import LANGUAGES, Catalogs
from bot.runtime import Runtime
from bot.services.communities import posters
from tests.fonts_support import drawing_fonts, glyph_problems
from tests.outbox_support import in_new_loop, make_community

__all__ = ["drawing_fonts"]

ROOT = Path(__file__).resolve().parents[2]
LINK = "https://t.me/samen_utrecht_bot?start=poster-oost-x1"
catalogs = Catalogs(ROOT / "locales", "Europe/Amsterdam")


@pytest.fixture
def cli_env(database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SAMEN_BOT_USERNAME", "samen_utrecht_bot")
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    return settings


async def dutch_community_with_newcomers(runtime: Runtime) -> None:
    # Two Arabic speakers, one each of Tigrinya, Ukrainian, Farsi and Dari; a Dutch community.
    await make_community(
        runtime,
        "poster-oost-x1",
        locales=["ar", "ti", "uk", "ar", "fa", "fa-AF", None],
        default_locale="nl",
        name="Invented Buurtkamer Oost",
    )


def words(text: str) -> list[str]:
    """The words of `text`, compatibility-normalised.

    Text taken out of a PDF comes as the glyphs were placed: Arabic and Farsi words in
    visual order (right to left on the line, so their order is reversed), and wherever a
    viewer maps a glyph back to presentation forms (ﻼ for لا) NFKC turns those back into
    the letters. Within a word the letters come back in reading order, through the font's
    character map that Type 42 embedding keeps. So a language's text is present when each of
    its words is.
    """
    return unicodedata.normalize("NFKC", text).split()


@pytest.mark.usefixtures("drawing_fonts")
def test_the_poster_has_the_name_the_link_and_scan_to_join_in_each_language_and_script(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_new_loop(cli_env, dutch_community_with_newcomers)
    out = tmp_path / "posters" / "poster.pdf"

    assert main(["community", "poster", "poster-oost-x1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    # The community's language first, then its members' by how many speak them; Dari
    # shares Farsi's text, so it is there once.
    assert printed.strip().endswith("in nl ar fa ti uk")

    reader = PdfReader(out)
    (page,) = reader.pages
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    found = words(page.extract_text())
    assert {"Invented", "Buurtkamer", "Oost", LINK} <= set(found)
    for tag in ("nl", "ar", "fa", "ti", "uk"):
        expected = catalogs.translator(tag).gettext("Scan to join")
        missing = [w for w in words(expected) if w not in found]
        assert missing == [], (tag, expected, found)
    assert not set(words("Scan to join")) <= set(found)  # no English: nobody reads it

    # Each script in its own font, embedded as TrueType (Type 42) so it prints as drawn.
    embedded = {
        str(font.get_object()["/BaseFont"])
        for font in page["/Resources"]["/Font"].values()  # type: ignore[union-attr]
    }
    for face in ("NotoSans-Regular", "NotoSansArabic-Regular", "NotoSansEthiopic-Regular"):
        assert any(face in name for name in embedded), embedded
    assert b"/FontFile2" in out.read_bytes()


@pytest.mark.usefixtures("drawing_fonts")
def test_the_poster_as_png_is_a4_at_print_resolution(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_new_loop(cli_env, dutch_community_with_newcomers)
    out = tmp_path / "poster.png"
    assert main(["community", "poster", "poster-oost-x1", "--out", str(out)]) == 0
    width, height, _rows, _info = png.Reader(filename=str(out)).read()
    # 210 × 297 mm at 300 dots per inch (2480.3 × 3507.9), to the pixel.
    assert abs(width - 2480) <= 1, width
    assert abs(height - 3508) <= 1, height


def test_an_unknown_community_or_another_format_fails_in_one_line(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_new_loop(cli_env, dutch_community_with_newcomers)
    assert main(["community", "poster", "nope", "--out", str(tmp_path / "p.pdf")]) == 2
    assert "no community with code 'nope'" in capsys.readouterr().err
    assert main(["community", "poster", "poster-oost-x1", "--out", str(tmp_path / "p.svg")]) == 2
    assert "--out must end in .pdf or .png" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".pdf", ".svg")]


def test_without_the_fonts_no_poster_is_printed_with_boxes(
    cli_env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    in_new_loop(cli_env, dutch_community_with_newcomers)
    monkeypatch.setattr(fonts, "FONT_DIRS", ())
    out = tmp_path / "poster.pdf"
    assert main(["community", "poster", "poster-oost-x1", "--out", str(out)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "apt-get install fonts-noto-core" in line
    assert not out.exists()


def test_every_language_on_a_poster_has_every_glyph(drawing_fonts: fonts.Fonts) -> None:
    tags = sorted({lang.catalog for lang in LANGUAGES})
    poster = posters.compose("Invented Buurtkamer Oost · مقهى اللغة · ቡና", LINK, tags, catalogs)
    assert len(poster.lines) == 9
    figure = posters._draw(poster, drawing_fonts)
    figure.canvas.draw()
    assert glyph_problems(figure, "poster") == []
