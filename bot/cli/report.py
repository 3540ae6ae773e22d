"""`samen report`: PNG charts and a Markdown summary of a community, for coordinators."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.common import CommandError, settings, with_engine
from bot.db.engine import create_session_factory
from bot.i18n import Catalogs, find_language
from bot.runtime import system_clock
from bot.services import reports
from bot.services.reports import proposals as report_proposals


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
            files = reports.write(report, catalogs, args.out)
            # «Co-ownership»: proposals per meeting and per language group, in summary.md.
            topics = await report_proposals.figures(
                session, report.community_id, report.locale, report.meeting_id
            )
            summary = next(f for f in files if f.name == reports.SUMMARY_FILE)
            t = catalogs.translator(report.locale, report.time_zone)
            report_proposals.append_to(summary, topics, t)
            await reports.record(session, report, via="cli", now=system_clock())
            await session.commit()
            return files

    for path in with_engine(config, work):
        print(path)
    return 0
