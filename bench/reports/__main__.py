"""Benchmark reports and retention on a large invented community.

    .venv/bin/python -m bench.reports [--answers 100000] [--members 2000] [--database-url URL]

Seeds one community (members in nine languages, 24 meetings with RSVPs and 4 questions each,
answers spread evenly over 30 months, an announcement's outbox rows) into an empty, freshly
migrated database (a temporary SQLite file unless --database-url names an empty one), then
times: counting the report, drawing all charts and the summary, the /stats chart alone, the
retention dry run, and the purge. Prints the figures and the process's peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.db import migrate
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import (
    Answer,
    Broadcast,
    Community,
    Meeting,
    Member,
    Membership,
    OutboxMessage,
    Question,
    Rsvp,
)
from bot.i18n import Catalogs
from bot.services import reports
from bot.services.communities import retention

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LOCALES = ["nl", "en", "ar", "uk", "ru", "ti", "fa", "tr", "so"]
CHUNK = 5_000


async def seed(url: str, answers: int, members: int) -> None:
    engine = create_engine(url)
    rng = random.Random(7)
    try:
        async with engine.begin() as conn:
            community_id = (
                await conn.execute(
                    insert(Community)
                    .values(
                        code="bench",
                        name="Invented bench community",
                        default_locale="nl",
                        time_zone="Europe/Amsterdam",
                        retention_months=24,
                        created_at=NOW,
                    )
                    .returning(Community.id)
                )
            ).scalar_one()
            member_rows = [
                {
                    "telegram_user_id": 960_000_000 + i,
                    "locale": LOCALES[i % len(LOCALES)],
                    "consent_version": 2,
                    "consent_given_at": NOW,
                    "created_at": NOW,
                }
                for i in range(members)
            ]
            member_ids = list(
                (await conn.execute(insert(Member).returning(Member.id), member_rows)).scalars()
            )
            await conn.execute(
                insert(Membership),
                [
                    {"member_id": m, "community_id": community_id, "joined_at": NOW}
                    for m in member_ids
                ],
            )
            meeting_ids, question_ids = [], []
            for n in range(24):
                meeting_id = (
                    await conn.execute(
                        insert(Meeting)
                        .values(
                            community_id=community_id,
                            starts_at=NOW - timedelta(days=30 * n),
                            time_zone="Europe/Amsterdam",
                            source_locale="nl",
                            created_at=NOW,
                            updated_at=NOW,
                        )
                        .returning(Meeting.id)
                    )
                ).scalar_one()
                meeting_ids.append(meeting_id)
                for position in range(4):
                    question_ids.append(
                        (
                            await conn.execute(
                                insert(Question)
                                .values(
                                    community_id=community_id,
                                    meeting_id=meeting_id,
                                    stage="before",
                                    position=position,
                                    kind="text",
                                    required=False,
                                    source_locale="nl",
                                )
                                .returning(Question.id)
                            )
                        ).scalar_one()
                    )
                await conn.execute(
                    insert(Rsvp),
                    [
                        {
                            "meeting_id": meeting_id,
                            "member_id": m,
                            "status": rng.choice(["going", "maybe", "not_going"]),
                            "updated_at": NOW,
                        }
                        for m in rng.sample(member_ids, min(200, len(member_ids)))
                    ],
                )
            span = timedelta(days=30 * 30).total_seconds()
            for start in range(0, answers, CHUNK):
                rows = []
                for i in range(start, min(start + CHUNK, answers)):
                    at = NOW - timedelta(seconds=span * i / answers)
                    q = question_ids[i % len(question_ids)]
                    rows.append(
                        {
                            "member_id": member_ids[i % len(member_ids)],
                            "community_id": community_id,
                            "meeting_id": meeting_ids[(i % len(question_ids)) // 4],
                            "question_id": q if i % 10 else None,
                            "source": "meeting" if i % 10 else "story",
                            "kind": "text" if i % 20 else "voice",
                            "text": "invented answer text" if i % 20 else None,
                            "voice_file_id": None if i % 20 else f"voice-{i}",
                            "voice_duration": None if i % 20 else 12,
                            "locale": LOCALES[i % len(LOCALES)],
                            "created_at": at,
                            "updated_at": at,
                        }
                    )
                await conn.execute(insert(Answer), rows)
            broadcast_id = (
                await conn.execute(
                    insert(Broadcast)
                    .values(community_id=community_id, purpose="announcement", created_at=NOW)
                    .returning(Broadcast.id)
                )
            ).scalar_one()
            await conn.execute(
                insert(OutboxMessage),
                [
                    {
                        "dedupe_key": f"announcement:{broadcast_id}:{m}",
                        "purpose": "announcement",
                        "broadcast_id": broadcast_id,
                        "member_id": m,
                        "chat_id": 960_000_000 + i,
                        "payload": {},
                        "state": "sent" if i % 17 else "blocked",
                        "attempts": 1,
                        "throttled": 0,
                        "parts_sent": 1,
                        "next_attempt_at": NOW,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for i, m in enumerate(member_ids)
                ],
            )
    finally:
        await engine.dispose()


async def measure(url: str, out: Path) -> list[tuple[str, float, str]]:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    catalogs = Catalogs(Path("locales"))
    figures = []
    try:
        async with sessions() as session:
            started = time.perf_counter()
            report = await reports.build(session, community_code="bench", now=NOW)
            figures.append(("count the report", time.perf_counter() - started, ""))
        started = time.perf_counter()
        files = reports.write(report, catalogs, out)
        figures.append(("draw 5 charts + summary", time.perf_counter() - started, f"{len(files)}"))
        started = time.perf_counter()
        png = reports.main_chart(report, catalogs)
        figures.append(("/stats chart alone", time.perf_counter() - started, f"{len(png):,} B"))
        async with sessions() as session:
            started = time.perf_counter()
            (planned,) = await retention.plan(session, now=NOW)
            figures.append(("retention dry run", time.perf_counter() - started, ""))
            started = time.perf_counter()
            (done,) = await retention.purge(session, now=NOW)
            figures.append(
                (
                    "retention purge",
                    time.perf_counter() - started,
                    f"{done.answers + done.stories:,} rows (planned "
                    f"{planned.answers + planned.stories:,})",
                )
            )
    finally:
        await engine.dispose()
    return figures


async def prepare(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.reports")
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--database-url", help="an empty database (default: temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        asyncio.run(prepare(url))
        started = time.perf_counter()
        asyncio.run(seed(url, args.answers, args.members))
        print(
            f"seeded {args.answers:,} answers, {args.members:,} members in "
            f"{time.perf_counter() - started:.1f} s"
        )
        for name, seconds, note in asyncio.run(measure(url, Path(tmp) / "report")):
            print(f"{name:<26} {seconds * 1000:>9.0f} ms  {note}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak:.0f} MB")


if __name__ == "__main__":
    main()
