"""Reports: the counts a coordinator sees, the charts and the summary written from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime import Runtime
from bot.services import reports
from bot.services.reports.charts import CHART_FILES, SUMMARY_FILE
from tests.fonts_support import drawing_fonts
from tests.report_support import seed_community

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
