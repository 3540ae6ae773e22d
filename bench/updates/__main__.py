"""Benchmark the path of an incoming answer against the bare framework.

    .venv/bin/python -m bench.updates [--updates 2000] [--postgres-url postgresql://…/db]

Scenarios (the fake Bot API answers inside each process, so no HTTP is measured):
  bare      python-telegram-bot alone: a handler that replies "ok" to every text, no database.
  sqlite    the full path of a member's story: update → Samen's handlers (duplicate check,
            dialogue state, consent, /share flow) → the answer written to SQLite → the reply.
  pg-1      the same on PostgreSQL, one instance.
  pg-2      the same on PostgreSQL, two instances (processes) sharing the database, each
            handling half of the members at the same time.

Each instance handles its updates one after another, as `samen run` does. Reported: updates a
second (all instances together, first start to last end) and p50/p99 latency of one update.
Targets: sqlite ≥ 50% of bare; pg-2 ≥ 1.6 × pg-1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.channels.telegram.app import build_application
from bot.config import load_settings
from bot.db import migrate
from bot.db.base import Base
from bot.db.engine import create_engine
from bot.db.models import Answer, Community, Member, Membership
from bot.runtime import Runtime
from bot.services.members import privacy
from tests.factories import Person, UpdateFactory
from tests.fakes.bot_api import FakeBotAPI, FakeRequest

TOKEN = "123456789:BENCH-token-for-the-fake-bot-api-only"
FIRST_USER_ID = 970_000_000


@dataclass
class Result:
    scenario: str
    updates: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def line(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        return (
            f"| {self.scenario} | {self.updates:,} | {self.rate:,.0f} | {p50:.1f} ms | "
            f"{p99:.1f} ms |"
        )


def people(first: int, count: int) -> list[Person]:
    return [Person(FIRST_USER_ID + i, f"Invented {i}", "nl") for i in range(first, first + count)]


async def timed(app: Application, updates: list[dict[str, Any]]) -> tuple[float, float, list]:
    latencies = []
    start = time.perf_counter()
    started_at = time.time()
    for raw in updates:
        began = time.perf_counter()
        await app.process_update(Update.de_json(raw, app.bot))
        latencies.append(time.perf_counter() - began)
    return started_at, started_at + (time.perf_counter() - start), latencies


async def bare(count: int) -> Result:
    app = Application.builder().token(TOKEN).request(FakeRequest(FakeBotAPI())).build()

    async def reply(update: Update, _context: Any) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("ok")

    app.add_handler(MessageHandler(filters.TEXT, reply))
    factory = UpdateFactory()
    updates = [factory.text(person, "Mijn verhaal") for person in people(0, count)]
    async with app:
        start, end, latencies = await timed(app, updates)
    return Result("bare framework", count, end - start, latencies)


async def seed(database_url: str, count: int) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                await conn.execute(text(f"DROP TABLE IF EXISTS {names}, alembic_version CASCADE"))
        await migrate.upgrade(engine)
        now = datetime.now(UTC)
        async with engine.begin() as conn:
            await conn.execute(
                Community.__table__.insert(),
                [{"id": 1, "code": "bench", "name": "Bench", "default_locale": "nl",
                  "time_zone": "Europe/Amsterdam", "retention_months": 24, "created_at": now}],
            )  # fmt: skip
            await conn.execute(
                Member.__table__.insert(),
                [
                    {"id": i + 1, "telegram_user_id": FIRST_USER_ID + i, "locale": "nl",
                     "consent_version": privacy.current_notice_version(),
                     "consent_given_at": now, "created_at": now}
                    for i in range(count)
                ],
            )  # fmt: skip
            await conn.execute(
                Membership.__table__.insert(),
                [{"member_id": i + 1, "community_id": 1, "joined_at": now} for i in range(count)],
            )
            if engine.dialect.name == "postgresql":
                for table in ("communities", "members", "memberships"):
                    await conn.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))")
                    )  # fmt: skip
    finally:
        await engine.dispose()


async def worker(database_url: str, first: int, count: int, go: Path) -> dict[str, Any]:
    """One instance: open /share for its members, wait for the go, then time their stories."""
    settings = load_settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=database_url,
        TELEGRAM_API_URL="http://127.0.0.1:9",
        SAMEN_TELEGRAM_RATE=100_000,  # measure the bot, not Telegram's limit
    )
    runtime = Runtime.create(settings)
    app = build_application(settings, runtime=runtime, request=FakeRequest(FakeBotAPI()))
    factory = UpdateFactory(first_update_id=1_000_000 * (first + 1))
    members = people(first, count)
    async with app:
        for person in members:
            await app.process_update(Update.de_json(factory.text(person, "/share"), app.bot))
        stories = [factory.text(person, "Ik wil graag Nederlands leren.") for person in members]
        go.with_suffix(f".ready{first}").touch()
        await asyncio.to_thread(wait_for_file, go)
        start, end, latencies = await timed(app, stories)
    await runtime.close()
    return {"start": start, "end": end, "latencies": latencies}


def wait_for_file(path: Path) -> None:
    while not path.exists():
        time.sleep(0.005)


def run_instances(database_url: str, count: int, instances: int, scenario: str) -> Result:
    asyncio.run(seed(database_url, count))
    go = Path(tempfile.mkdtemp()) / "go"
    share = count // instances
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.updates",
                "--worker",
                database_url,
                str(i * share),
                str(share),
                str(go),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(instances)
    ]
    while len(list(go.parent.glob("go.ready*"))) < instances:
        if any(p.poll() is not None for p in processes):
            raise SystemExit("a worker died while preparing")
        time.sleep(0.05)
    go.touch()
    reports = [json.loads(p.communicate()[0]) for p in processes]
    stored = asyncio.run(count_answers(database_url))
    if stored != share * instances:
        raise SystemExit(f"{scenario}: {stored} answers stored, expected {share * instances}")
    start = min(r["start"] for r in reports)
    end = max(r["end"] for r in reports)
    latencies = [lat for r in reports for lat in r["latencies"]]
    return Result(scenario, share * instances, end - start, latencies)


async def count_answers(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return (
                await conn.execute(text(f"SELECT count(*) FROM {Answer.__tablename__}"))
            ).scalar_one()
    finally:
        await engine.dispose()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        url, first, count, go = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
        print(json.dumps(asyncio.run(worker(url, first, count, go))))
        return
    parser = argparse.ArgumentParser(prog="python -m bench.updates")
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--postgres-url", help="an empty PostgreSQL database (it is wiped)")
    args = parser.parse_args()
    results = [asyncio.run(bare(args.updates))]
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite+aiosqlite:///{folder}/bench.db"
        results.append(run_instances(sqlite_url, args.updates, 1, "full path, SQLite"))
    if args.postgres_url:
        url = load_settings(_env_file=None, DATABASE_URL=args.postgres_url).database_url
        results.append(run_instances(url, args.updates, 1, "full path, PostgreSQL, 1 instance"))
        results.append(run_instances(url, args.updates, 2, "full path, PostgreSQL, 2 instances"))
    print("| scenario | updates | updates/s | p50 | p99 |")
    print("| --- | --- | --- | --- | --- |")
    for result in results:
        print(result.line())
    by_name = {r.scenario: r for r in results}
    full = by_name["full path, SQLite"].rate / by_name["bare framework"].rate
    print(f"\nfull path on SQLite / bare framework: {full:.2f} (target ≥ 0.50)")
    if args.postgres_url:
        two = by_name["full path, PostgreSQL, 2 instances"].rate
        one = by_name["full path, PostgreSQL, 1 instance"].rate
        print(f"PostgreSQL 2 instances / 1 instance: {two / one:.2f} (target ≥ 1.60)")


if __name__ == "__main__":
    main()
