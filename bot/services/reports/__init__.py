"""Reports for coordinators: `figures` counts each figure in one place (also for /stats and
the export's summary sheet), `data` gathers them into a report (no telegram, no drawing),
`charts` draws them and writes the summary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot import fonts
from bot.fonts import FontsMissing
from bot.i18n import Catalogs
from bot.services import audit
from bot.services.reports.charts import SUMMARY_FILE, Labels, draw_all, draw_main, summary
from bot.services.reports.data import Report, ReportError, build
from bot.services.reports.printable import PDF_FILE, write_pdf

__all__ = [
    "SUMMARY_FILE",
    "FontsMissing",
    "Labels",
    "Report",
    "ReportError",
    "build",
    "labels_for",
    "main_chart",
    "printed",
    "record",
    "write",
]


def labels_for(report: Report, catalogs: Catalogs) -> Labels:
    """Labels in the report's language; raises FontsMissing when a script's font is missing."""
    return Labels(catalogs.translator(report.locale, report.time_zone), fonts.load())


def write(report: Report, catalogs: Catalogs, out_dir: Path) -> list[Path]:
    """Every chart and `summary.md` into `out_dir`, labelled in the report's language."""
    labels = labels_for(report, catalogs)
    files = draw_all(report, labels, out_dir)
    path = out_dir / SUMMARY_FILE
    path.write_text(summary(report, labels.t), encoding="utf-8")
    return [*files, path]


def printed(report: Report, catalogs: Catalogs, path: Path) -> Path:
    """The report as one PDF to print (summary, then charts) at `path`: a `.pdf` file, or a
    folder to put `report.pdf` in."""
    target = path if path.suffix.lower() == ".pdf" else path / PDF_FILE
    return write_pdf(report, labels_for(report, catalogs), target)


def main_chart(report: Report, catalogs: Catalogs) -> bytes:
    """The chart sent in chat (participation over time), as PNG bytes."""
    return draw_main(report, labels_for(report, catalogs))


async def record(
    session: AsyncSession,
    report: Report,
    *,
    via: str,
    now: datetime,
    actor_user_id: int | None = None,
) -> None:
    """Audit that a report left the system (counts only)."""
    await audit.record(
        session,
        "report.stats" if via == "chat" else "report.write",
        now=now,
        actor_user_id=actor_user_id,
        community_id=report.community_id,
        target=f"meeting:{report.meeting_id}" if report.meeting_id else None,
        row_count=report.answers + report.stories,
        details={"via": via, "locale": report.locale},
    )
    await session.flush()
