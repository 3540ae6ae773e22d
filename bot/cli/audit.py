"""`samen audit`: list the audit trail (who, when, what, how many rows), filtered."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy import select

from bot.cli.common import CommandError, settings, with_engine
from bot.db.engine import create_session_factory
from bot.db.models import Community
from bot.services import audit


def list_events(args: argparse.Namespace) -> int:
    config = settings()
    if args.limit < 1:
        raise CommandError("--limit must be at least 1")

    async def work(engine: Any) -> list[dict[str, Any]]:
        async with create_session_factory(engine)() as session:
            codes = dict((await session.execute(select(Community.id, Community.code))).all())
            community_id = None
            if args.community is not None:
                community_id = next((i for i, c in codes.items() if c == args.community), None)
                if community_id is None:
                    raise CommandError(f"no community with the code {args.community!r}")
            found = await audit.events(
                session,
                action=args.action,
                community_id=community_id,
                since=args.since,
                until=args.until,
                limit=args.limit,
            )
            return [
                {
                    "at": event.at.isoformat(),
                    "action": event.action,
                    "actor": event.actor_user_id,
                    "community": codes.get(event.community_id) if event.community_id else None,
                    "target": event.target,
                    "rows": event.row_count,
                    "details": event.details,
                }
                for event in found
            ]

    rows = with_engine(config, work)
    if args.format == "jsonl":
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, sort_keys=True))
        return 0
    if not rows:
        print("no audit events match")
        return 0
    print("at (UTC)\taction\tactor\tcommunity\ttarget\trows\tdetails")
    for row in rows:
        actor = row["actor"] if row["actor"] is not None else "system"
        details = json.dumps(row["details"], ensure_ascii=False, sort_keys=True)
        print(
            f"{row['at'][:19]}\t{row['action']}\t{actor}\t{row['community'] or '-'}"
            f"\t{row['target'] or '-'}\t{row['rows'] if row['rows'] is not None else '-'}"
            f"\t{details}"
        )
    return 0
