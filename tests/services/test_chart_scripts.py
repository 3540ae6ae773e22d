"""Every chart in every catalog language, checked glyph by glyph against the font that draws it.

One invented report (no database: the counts are not what is tested here) holds organiser
texts in four scripts and every catalog language among its members, so each chart mixes
scripts the way a real community's does; it is drawn with the labels of each language.
"""

from __future__ import annotations

import io
import time
import warnings
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot import fonts
from bot.i18n import LANGUAGES, Catalogs
from bot.services.reports import charts, printable
from bot.services.reports.data import MeetingRsvps, MonthParticipation, QuestionAnswers, Report
from tests.fonts_support import drawing_fonts, glyph_problems

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parents[2]
CATALOG_TAGS = sorted({lang.catalog for lang in LANGUAGES})
MADE_AT = datetime(2026, 11, 20, 12, tzinfo=UTC)

__all__ = ["drawing_fonts"]


def invented_report(locale: str) -> Report:
    return Report(
        community_id=1,
        community_code="oost",
        community_name="Invented Buurtkamer Oost",
        locale=locale,
        time_zone="Europe/Amsterdam",
        meeting_id=None,
        made_at=MADE_AT,
        members=9,
        consented_members=8,
        answers=5,
        stories=2,
        voice_notes=1,
        rsvps=[
            MeetingRsvps(1, "البحث عن عمل", MADE_AT, 2, 1, 1),
            MeetingRsvps(2, "Taalcafé 📄", MADE_AT, 1, 0, 0),
            MeetingRsvps(3, "ቡና ምስ ጎረባብቲ", MADE_AT, 0, 3, 0),
        ],
        questions=[
            QuestionAnswers(1, 1, 0, "ብዛዕባ እንታይ ክትዛረብ ትደሊ?", 3),
            QuestionAnswers(2, 1, 1, "Що вам потрібно?", 2),
            QuestionAnswers(3, 1, 2, "به چه چیزی نیاز دارید؟", 0),
        ],
        participation=[
            MonthParticipation(date(2026, 10, 1), 2, 3),
            MonthParticipation(date(2026, 11, 1), 3, 4),
        ],
        languages=[(lang.tag, 1) for lang in LANGUAGES] + [("", 1)],
        delivery={"sent": 3, "blocked": 1, "failed": 1},
    )


def drawn(figure: Figure) -> Figure:
    """`figure` saved as the report saves it (fonts applied, laid out, tick labels made)."""
    charts._save(figure, io.BytesIO())
    return figure


def test_every_chart_in_every_language_has_every_glyph(
    drawing_fonts: fonts.Fonts, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small rasters: the glyphs checked are the same at any resolution.
    monkeypatch.setattr(charts, "_DPI", 30)
    catalogs = Catalogs(ROOT / "locales", "Europe/Amsterdam")
    started = time.monotonic()
    problems: list[str] = []
    for tag in CATALOG_TAGS:
        labels = charts.Labels(catalogs.translator(tag), drawing_fonts)
        report = invented_report(tag)
        for name, make in charts.FIGURES.items():
            # matplotlib warns when it finds no glyph or no font family: that is a failure.
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                figure = drawn(make(report, labels))
            problems += glyph_problems(figure, f"{tag} {name}")
    assert problems == []
    assert time.monotonic() - started < 60  # a guard against an accidental slow path


def test_the_empty_charts_are_drawable_too(drawing_fonts: fonts.Fonts) -> None:
    catalogs = Catalogs(ROOT / "locales", "Europe/Amsterdam")
    empty = Report(
        community_id=1,
        community_code="oost",
        community_name="Invented",
        locale="ti",
        time_zone="Europe/Amsterdam",
        meeting_id=None,
        made_at=MADE_AT,
        members=0,
        consented_members=0,
        answers=0,
        stories=0,
        voice_notes=0,
    )
    for tag in ("ti", "ar", "fa"):
        labels = charts.Labels(catalogs.translator(tag), drawing_fonts)
        figure = drawn(charts.delivery_figure(empty, labels))
        assert glyph_problems(figure, tag) == []


def test_mixed_labels_keep_each_script_and_organiser_emoji_are_left_out(
    drawing_fonts: fonts.Fonts,
) -> None:
    catalogs = Catalogs(ROOT / "locales", "Europe/Amsterdam")
    dutch = charts.Labels(catalogs.translator("nl"), drawing_fonts)
    assert dutch.language("ar") == "ar · العربية"
    assert dutch.language("ti") == "ti · ትግርኛ"
    assert dutch.language("uk") == "uk · Українська"
    assert dutch.language("am") == "am · Amhaars"  # no catalog: named in the reader's language
    assert dutch("Members by language") == "Leden per taal"
    tigrinya = charts.Labels(catalogs.translator("ti"), drawing_fonts)
    # No more English stand-ins: the Tigrinya label, the Tigrinya prompt.
    assert tigrinya("Members by language") == catalogs.translator("ti").gettext(
        "Members by language"
    )
    assert tigrinya.written("ብዛዕባ እንታይ ክትዛረብ ትደሊ?", "Q1") == "ብዛዕባ እንታይ ክትዛረብ ትደሊ?"
    assert dutch.written("Taalcafé \U0001fae0", "M1") == "Taalcafé"  # no font has U+1FAE0
    assert dutch.written("  ", "Bijeenkomst 1") == "Bijeenkomst 1"


def test_without_the_fonts_a_report_stops_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "FONT_DIRS", ())
    with pytest.raises(fonts.FontsMissing) as raised:
        fonts.load()
    message = str(raised.value)
    assert "Noto Sans Ethiopic (Tigrinya)" in message
    assert "Noto Sans Arabic (Arabic and Farsi)" in message
    assert "apt-get install fonts-noto-core" in message
    assert "\n" not in message
    assert raised.value.exit_code == 2


def test_the_printed_summary_in_every_language_has_every_glyph(
    drawing_fonts: fonts.Fonts,
) -> None:
    catalogs = Catalogs(ROOT / "locales", "Europe/Amsterdam")
    problems: list[str] = []
    for tag in CATALOG_TAGS:
        t = catalogs.translator(tag)
        text = drawing_fonts.drawable(charts.summary(invented_report(tag), t))
        for number, page in enumerate(printable._summary_pages(text, rtl=t.rtl), start=1):
            fonts.apply(page)
            page.canvas.draw()
            problems += glyph_problems(page, f"{tag} summary page {number}")
    assert problems == []


def test_matplotlib_joins_arabic_letters_and_sets_them_right_to_left(
    drawing_fonts: fonts.Fonts,
) -> None:
    """What arabic-reshaper and python-bidi would do, matplotlib 3.11 does itself (libraqm):
    held here, so that an older matplotlib or one built without it cannot slip in."""
    from matplotlib import _text_helpers, font_manager

    arabic = drawing_fonts.paths["Noto Sans Arabic"][0]
    font = font_manager.get_font([str(arabic)])
    word = "كتب"  # kaf, teh, beh: each joins both ways
    items = list(_text_helpers.layout(word, font))
    isolated = {font.get_char_index(ord(c)) for c in word}
    # Joined: initial, medial and final forms, none of them the isolated glyph that the
    # character map gives each letter on its own.
    assert len(items) == 3
    assert not {item.glyph_index for item in items} & isolated
    # Right to left: glyphs come in drawing order, left to right, so the first letter read
    # is drawn last, rightmost.
    assert [item.char for item in items] == ["ب", "ت", "ك"]
    # And lam-alef is one ligature glyph, as a reader expects.
    assert [item.char for item in _text_helpers.layout("لا", font)] == ["لا"]
