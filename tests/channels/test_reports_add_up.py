"""One community, counted by hand once, and every place a coordinator reads its figures: the
report's summary, its charts, /stats in chat and the XLSX export's summary sheet agree."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from bot.db.models import Role
from bot.services import exports, reports
from bot.services.communities import roles
from bot.services.exports import ExportSpec
from bot.services.reports.charts import FIGURES, MAIN_CHART, SUMMARY_FILE
from tests.factories import OLENA
from tests.harness import BotHarness
from tests.report_support import Counted, seed_counted_community


def tables(summary: str) -> dict[str, list[list[str]]]:
    """The Markdown summary as {section title: table rows}; the figures table under ""."""
    found: dict[str, list[list[str]]] = {"": []}
    section = ""
    for line in summary.splitlines():
        if line.startswith("## "):
            section = line[3:]
            found[section] = []
        elif line.startswith("| ") and not line.startswith("| |"):
            found[section].append([cell.strip() for cell in line.strip("|").split(" | ")])
    # Drop each section's header row.
    return {title: rows if title == "" else rows[1:] for title, rows in found.items()}


def summary_checks(summary: str, counted: Counted) -> None:
    parts = tables(summary)
    figures = {label: value for label, value in parts[""]}
    assert figures["Leden"] == str(counted.members)
    assert figures["Leden die akkoord gingen met de privacyverklaring"] == str(counted.consented)
    assert figures["Antwoorden"] == str(counted.answers)
    assert figures["Verhalen"] == str(counted.stories)
    assert figures["Spraakberichten"] == str(counted.voice_notes)
    assert figures["Berichten"] == str(counted.messages)
    rsvps = parts["Reacties per bijeenkomst"]
    assert [tuple(int(n) for n in row[1:]) for row in rsvps] == list(counted.rsvps)
    questions = parts["Antwoorden per vraag"]
    assert [int(row[2]) for row in questions] == list(counted.per_question)
    # Answered questions in the order members meet them; the unasked follow-up last.
    assert [row[1] for row in questions] == [
        "Waar wil je over praten?",
        "Hoe nuttig was het (1-5)?",
        "Wat nam je mee naar huis?",
        "Kom je met iemand?",
        "Wil je nog eens komen?",
    ]
    months = parts["Deelname door de tijd"]
    assert [(row[0], int(row[1]), int(row[2])) for row in months] == list(counted.months)
    # What participation adds up to is said in so many words: answers and stories.
    assert sum(int(row[2]) for row in months) == counted.answers + counted.stories


async def test_summary_charts_stats_and_export_show_the_same_figures(
    bot: BotHarness, tmp_path: Path
) -> None:
    runtime = bot.runtime
    counted = await seed_counted_community(runtime)

    # The report: summary.md and the data behind each chart.
    async with runtime.sessions() as session:
        report = await reports.build(session, community_code=counted.code, now=runtime.clock())
    reports.write(report, runtime.catalogs, tmp_path)
    summary_checks((tmp_path / SUMMARY_FILE).read_text(encoding="utf-8"), counted)

    labels = reports.labels_for(report, runtime.catalogs)
    participation = FIGURES[MAIN_CHART](report, labels).axes[0]
    months = [bar.get_height() for bar in participation.patches]
    assert months == [answers for _, _, answers in counted.months]
    assert list(participation.lines[0].get_ydata()) == [people for _, people, _ in counted.months]
    rsvps = FIGURES["rsvps.png"](report, labels).axes[0]
    heights = [[bar.get_height() for bar in series] for series in rsvps.containers]
    assert list(zip(*heights, strict=True)) == list(counted.rsvps)
    answers = FIGURES["answers_per_question.png"](report, labels).axes[0]
    assert [bar.get_width() for bar in answers.patches] == list(counted.per_question)

    # /stats in chat, as Olena (Ukrainian) sees it.
    async with runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=counted.community_id,
            telegram_user_id=OLENA.id,
            role=Role.COORDINATOR,
            now=runtime.clock(),
        )
        await session.commit()
    (reply,) = await bot.feed(bot.updates.text(OLENA, "/stats"))
    assert reply.method == "sendPhoto"
    uk = runtime.catalogs.translator("uk")
    members = uk.ngettext("{count} member", "{count} members", counted.members)
    answers = uk.ngettext("{count} answer", "{count} answers", counted.answers)
    stories = uk.ngettext("{count} story", "{count} stories", counted.stories)
    delivered = uk.ngettext(
        "{delivered} of {count} message delivered.",
        "{delivered} of {count} messages delivered.",
        counted.messages,
        delivered=counted.delivered,
    )
    assert members == f"{counted.members} учасників"
    assert stories == f"{counted.stories} історії"
    assert reply.params["caption"].split("\n")[:2] == [
        f"Invented Telkamer: {members}, {answers} і {stories}.",
        delivered,
    ]

    # The XLSX export's summary sheet, read back.
    out = io.BytesIO()
    result = await exports.export(
        runtime.sessions,
        ExportSpec(community_id=counted.community_id, language="nl"),
        "xlsx",
        out,
        translator=runtime.catalogs.translator("nl"),
        codes=await exports.member_codes(runtime.sessions, None, now=runtime.clock()),
        now=runtime.clock(),
        actor_user_id=None,
        channel="test",
    )
    book = load_workbook(io.BytesIO(out.getvalue()))
    rows = list(book["Overzicht"].iter_rows(values_only=True))
    facts = {row[0]: row[1] for row in rows if row[0] is not None and row[2] is None}
    assert facts["Antwoorden"] == counted.answers
    assert facts["Verhalen"] == counted.stories
    assert facts["Reacties"] == sum(sum(counts) for counts in counted.rsvps)
    header = next(i for i, row in enumerate(rows) if row[0] == "Nummer van de bijeenkomst")
    meetings = rows[header + 1 :]
    assert [row[0] for row in meetings] == counted.meeting_ids
    assert [row[3:5] for row in meetings] == [tuple(pair) for pair in counted.per_meeting]
    assert [row[5:8] for row in meetings] == list(counted.rsvps)
    # The meeting answers and the rest add up to the answers; the sheets hold every row.
    assert sum(answers for answers, _ in counted.per_meeting) == counted.answers
    data_rows = sum(sheet.max_row - 1 for sheet in book.worksheets[1:-1])
    assert data_rows == result.answers == counted.answers + counted.stories
