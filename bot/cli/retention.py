"""`samen purge`: delete what is older than each community's retention period (or show it)."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CommandError, settings, with_engine
from bot.db.engine import create_session_factory
from bot.runtime import system_clock
from bot.services.communities import retention
from bot.services.communities.retention import CommunityPurge


def purge(args: argparse.Namespace) -> int:
    config = settings()

    async def work(engine: Any) -> list[CommunityPurge]:
        async with create_session_factory(engine)() as session:
            step = retention.plan if args.dry_run else retention.purge
            try:
                return await step(session, now=system_clock(), community_code=args.community)
            except retention.RetentionError as exc:
                raise CommandError(str(exc)) from None

    results = with_engine(config, work)
    verb = "would delete" if args.dry_run else "deleted"
    for r in results:
        oldest = r.oldest.date().isoformat() if r.oldest else "-"
        print(
            f"{r.code}\t{r.name}\tkeeps {r.retention_months} months (before {r.cutoff.date()})"
            f"\t{verb} {r.answers} answers, {r.stories} stories ({r.voice_notes} voice notes),"
            f" {r.input_runs} input runs\toldest {oldest}"
        )
    total = sum(r.total for r in results)
    print(f"{verb} {total} rows in {len(results)} communities")
    return 0
