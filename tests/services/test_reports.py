"""Reports: the counts a coordinator sees, the charts and the summary written from them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.runtime import Runtime
from bot.services import reports
from bot.services.reports.charts import CHART_FILES, FIGURES, MAIN_CHART, SUMMARY_FILE
from tests.fonts_support import drawing_fonts
from tests.outbox_support import make_community
from tests.report_support import seed_community, seed_counted_community

__all__ = ["drawing_fonts"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_the_report_counts_rsvps_answers_participation_languages_and_delivery(
    runtime: Runtime,
) -> None:
    seeded = await seed_community(runtime)
    async with runtime.sessions() as session:
        report = await reports.build(session, community_code=seeded.code, now=runtime.clock())
    assert (report.members, report.consented_members) == (5, 5)
    assert (report.answers, report.stories, report.voice_notes) == (5, 2, 1)
    assert [(r.title, r.going, r.maybe, r.not_going) for r in report.rsvps] == [
        ("Werk zoeken", 2, 1, 1),
        ("Taalcafé", 1, 0, 0),
    ]
    assert [q.answers for q in report.questions] == [3, 2, 0]
    assert [(p.month.isoformat(), p.members, p.answers) for p in report.participation] == [
        ("2026-10-01", 2, 3),
        ("2026-11-01", 3, 4),
    ]
    assert report.languages == [("ar", 2), ("nl", 1), ("ti", 1), ("uk", 1)]
    assert report.delivery == {"sent": 3, "blocked": 1, "failed": 1}


async def test_one_meeting_and_texts_in_the_chosen_language(runtime: Runtime) -> None:
    seeded = await seed_community(runtime)
    async with runtime.sessions() as session:
        report = await reports.build(
            session,
            community_code=seeded.code,
            now=runtime.clock(),
            locale="ar",
            meeting_id=seeded.meeting_ids[1],
        )
    assert [r.title for r in report.rsvps] == ["مقهى اللغة"]
    assert report.questions == []
    assert report.answers == 0


@pytest.mark.usefixtures("drawing_fonts")
async def test_a_report_run_writes_png_charts_and_a_summary_with_the_figures(
    runtime: Runtime, tmp_path: Path
) -> None:
    seeded = await seed_community(runtime)
    async with runtime.sessions() as session:
        report = await reports.build(session, community_code=seeded.code, now=runtime.clock())
    files = reports.write(report, runtime.catalogs, tmp_path / "out")
    assert sorted(p.name for p in files) == sorted([*CHART_FILES, SUMMARY_FILE])
    for name in CHART_FILES:
        data = (tmp_path / "out" / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE), name
        assert len(data) > 5_000, name  # a drawn chart, not an empty canvas
    summary = (tmp_path / "out" / SUMMARY_FILE).read_text(encoding="utf-8")
    # Dutch, the community's language, with its figures.
    assert "# Verslag: Invented Buurtkamer Oost" in summary
    assert "| Antwoorden | 5 |" in summary
    assert "| Verhalen | 2 |" in summary
    assert "| Werk zoeken | 2 | 1 | 1 |" in summary
    assert "| 2026-10 | 2 | 3 |" in summary
    assert "| العربية (ar) | 2 |" in summary


@pytest.mark.usefixtures("drawing_fonts")
async def test_legends_sit_below_the_chart_and_cover_no_bar_or_line(runtime: Runtime) -> None:
    seeded = await seed_community(runtime)
    async with runtime.sessions() as session:
        report = await reports.build(session, community_code=seeded.code, now=runtime.clock())
    labels = reports.labels_for(report, runtime.catalogs)
    for name in ("rsvps.png", MAIN_CHART):
        figure = FIGURES[name](report, labels)
        figure.savefig(io.BytesIO(), format="png")  # lays the figure out, as a real draw does
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        (legend,) = figure.legends
        box = legend.get_window_extent(renderer)
        ax = figure.axes[0]
        drawn = [*ax.patches, *ax.lines]
        assert drawn, name
        for artist in drawn:
            assert not box.overlaps(artist.get_window_extent(renderer)), (name, artist)
        # Outside the axes altogether, and inside the picture.
        assert not box.overlaps(ax.get_window_extent(renderer)), name
        assert box.y1 < ax.get_window_extent(renderer).y0, name
        assert box.y0 >= 0, name


@pytest.mark.usefixtures("drawing_fonts")
async def test_an_arabic_report_has_arabic_titles_questions_and_labels(
    runtime: Runtime, tmp_path: Path
) -> None:
    counted = await seed_counted_community(runtime)
    async with runtime.sessions() as session:
        report = await reports.build(
            session, community_code=counted.code, now=runtime.clock(), locale="ar"
        )
    assert [row.title for row in report.rsvps] == ["البحث عن عمل", "مقهى اللغة"]
    assert report.questions[0].prompt == "عن ماذا تريد أن تتحدث؟"
    assert report.questions[-1].prompt == "هل تريد أن تأتي مرة أخرى؟"
    reports.write(report, runtime.catalogs, tmp_path)
    summary = (tmp_path / SUMMARY_FILE).read_text(encoding="utf-8")
    t = runtime.catalogs.translator("ar")
    for label in ("Members", "Answers", "Stories", "Answers per question", "Answers and stories"):
        assert t.gettext(label) in summary
        assert t.gettext(label) != label
    assert "Waar wil je over praten?" not in summary
    assert "عن ماذا تريد أن تتحدث؟" in summary


@pytest.mark.usefixtures("drawing_fonts")
async def test_a_ukrainian_report_labels_its_charts_in_ukrainian(runtime: Runtime) -> None:
    """Labels are drawn in the chosen language (every script: see test_chart_scripts)."""
    seeded = await seed_community(runtime)
    async with runtime.sessions() as session:
        report = await reports.build(
            session, community_code=seeded.code, now=runtime.clock(), locale="uk"
        )
    labels = reports.labels_for(report, runtime.catalogs)
    t = runtime.catalogs.translator("uk")
    figure = FIGURES[MAIN_CHART](report, labels)
    assert figure.axes[0].get_title() == t.gettext("Participation over time")
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == [
        t.gettext("Answers and stories"),
        t.gettext("Members taking part"),
    ]


@pytest.mark.usefixtures("drawing_fonts")
async def test_a_community_without_data_gets_zeros_and_charts_that_say_so(
    runtime: Runtime, tmp_path: Path
) -> None:
    people = await make_community(runtime, "leeg", locales=[], name="Invented Leeg")
    async with runtime.sessions() as session:
        report = await reports.build(session, community_code="leeg", now=runtime.clock())
    assert (report.members, report.answers, report.stories, report.questions) == (0, 0, 0, [])
    files = reports.write(report, runtime.catalogs, tmp_path)
    assert all((tmp_path / name).read_bytes().startswith(PNG_SIGNATURE) for name in CHART_FILES)
    summary = (tmp_path / SUMMARY_FILE).read_text(encoding="utf-8")
    assert "| Antwoorden | 0 |" in summary
    assert summary.count("Nog geen gegevens") >= 4
    assert len(files) == len(CHART_FILES) + 1
    assert people.community_id == report.community_id
