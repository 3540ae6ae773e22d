"""`samen report`: a community's charts and summary, for coordinators: PNG files and a
Markdown summary, or one PDF to print."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.common import CommandError, settings, with_engine
from bot.db.engine import create_session_factory
from bot.i18n import Catalogs, find_language
from bot.runtime import system_clock
from bot.services import communities, reports
from bot.services.contributions import figures as contribution_figures
from bot.services.reports import proposals as report_proposals

CONTRIBUTIONS_FILE = "contributions.md"


def make_report(args: argparse.Namespace) -> int:
    config = settings()
    if args.language is not None and find_language(args.language) is None:
        raise CommandError(f"no catalog for the language {args.language!r}")

    catalogs = Catalogs(config.locales_dir, config.default_time_zone)

    async def work(engine: Any) -> list[Path]:
        async with create_session_factory(engine)() as session:
            try:
                report = await reports.build(
                    session,
                    community_code=args.community,
                    now=system_clock(),
                    locale=args.language,
                    meeting_id=args.meeting,
                )
            except reports.ReportError as exc:
                raise CommandError(str(exc)) from None
            if args.format == "pdf":
                files = [reports.printed(report, catalogs, args.out)]
            else:
                files = reports.write(report, catalogs, args.out)
                # «Co-ownership»: proposals per meeting and per language group, in summary.md.
                topics = await report_proposals.figures(
                    session, report.community_id, report.locale, report.meeting_id
                )
                summary = next(f for f in files if f.name == reports.SUMMARY_FILE)
                t = catalogs.translator(report.locale, report.time_zone)
                report_proposals.append_to(summary, topics, t)
                contributed = await _contributions(
                    session, report, catalogs, args.out, config.locales_dir
                )
                files += [contributed] if contributed is not None else []
            await reports.record(session, report, via="cli", now=system_clock())
            await session.commit()
            return files

    for path in with_engine(config, work):
        print(path)
    return 0


async def _contributions(
    session: Any, report: reports.Report, catalogs: Catalogs, out: Path, locales_dir: Path
) -> Path | None:
    """The ambassadors' and contributions' figures beside the summary; None (no file) for a
    community without ambassadors or contributions."""
    community = await communities.find_by_code(session, report.community_code)
    assert community is not None
    found = await contribution_figures.of_community(
        session, community, now=system_clock(), locales_dir=locales_dir
    )
    if not found.anything:
        return None
    t = reports.labels_for(report, catalogs).t
    path = out / CONTRIBUTIONS_FILE
    path.write_text(
        "\n".join(f"- {line}" for line in contribution_figures.lines(t, found)) + "\n",
        encoding="utf-8",
    )
    return path
