"""Benchmark one scheduling pass of the check-ins: 1,000 due among 1k, 10k and 100k pending.

    .venv/bin/python -m bench.checkins [--postgres URL] [--sizes 1000,10000,100000]

For each size a fresh, migrated database gets that many pending check-ins, of which 1,000 are
due now (each for its own invented member) and the rest due in the coming months. One pass of
`checkin_firing.fire_due` (limit 1,000) then claims the due ones and queues them in the outbox, in
one transaction. The pass must grow with the due rows, not with everything pending: the
(state, due_at) index makes the claim a range scan. Printed: the pass in ms, rows queued,
the ratio to the smallest size, and the query plan of the claim.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from bot.db import migrate
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import CheckIn, CheckInKind, CheckInState, Community, Member, Membership
from bot.services.checkins import firing as checkin_firing

DUE = 1_000
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 11:00 in Amsterdam: outside quiet hours
FIRST_USER_ID = 980_000_000


async def _prepare(url: str, pending: int) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with create_session_factory(engine)() as session:
            community = Community(
                code=f"bench{pending}",
                name="Bench",
                default_locale="nl",
                time_zone="Europe/Amsterdam",
            )
            session.add(community)
            await session.flush()
            members = [
                {
                    "telegram_user_id": FIRST_USER_ID + i,
                    "locale": "nl",
                    "consent_version": 1,
                    "consent_given_at": NOW,
                    "created_at": NOW,
                }
                for i in range(DUE)
            ]
            await session.execute(insert(Member), members)
            ids = list(await session.scalars(select(Member.id).order_by(Member.id)))
            await session.execute(
                insert(Membership),
                [{"member_id": m, "community_id": community.id, "joined_at": NOW} for m in ids],
            )
            rows = []
            for i in range(pending):
                due = (
                    NOW - timedelta(minutes=5) if i < DUE else NOW + timedelta(hours=1 + i % 4000)
                )
                rows.append(
                    {
                        "member_id": ids[i % DUE],
                        "community_id": community.id,
                        "kind": CheckInKind.LONGTERM,
                        "due_at": due,
                        "version": 1,
                        "state": CheckInState.PENDING,
                        "dedupe_key": f"bench:{i}",
                        "created_at": NOW,
                    }
                )
                if len(rows) == 5_000:
                    await session.execute(insert(CheckIn), rows)
                    rows = []
            if rows:
                await session.execute(insert(CheckIn), rows)
            await session.commit()
            if session.bind.dialect.name == "postgresql":
                await session.execute(text("ANALYZE checkins"))
                await session.commit()
    finally:
        await engine.dispose()


async def _plan(url: str) -> str:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            claim = (
                select(CheckIn.id)
                .where(CheckIn.state == CheckInState.PENDING, CheckIn.due_at <= NOW)
                .order_by(CheckIn.due_at)
                .limit(DUE)
            )
            compiled = claim.compile(engine.sync_engine, compile_kwargs={"literal_binds": True})
            prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
            result = await connection.execute(text(prefix + str(compiled)))
            return " | ".join(str(row[-1]) for row in result)
    finally:
        await engine.dispose()


async def _pass(url: str) -> tuple[float, int]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            started = time.perf_counter()
            fired = await checkin_firing.fire_due(session, now=NOW, limit=DUE)
            return (time.perf_counter() - started) * 1000, fired.queued
    finally:
        await engine.dispose()


async def _postgres_database(admin_url: str) -> tuple[str, str]:
    name = f"samen_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return str(make_url(admin_url).set(database=name)), name


async def _drop(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def run(sizes: list[int], postgres: str | None) -> None:
    engines = [("SQLite", None)] + ([("PostgreSQL", postgres)] if postgres else [])
    for label, admin_url in engines:
        print(f"\n{label}: one pass, {DUE:,} due")
        print(f"{'pending':>9} {'pass ms':>9} {'queued':>7} {'vs smallest':>12}  claim plan")
        first = None
        for size in sizes:
            with tempfile.TemporaryDirectory() as folder:
                if admin_url is None:
                    url, name = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", ""
                else:
                    url, name = await _postgres_database(admin_url)
                try:
                    await _prepare(url, size)
                    plan = await _plan(url)
                    took, queued = await _pass(url)
                finally:
                    if admin_url is not None:
                        await _drop(admin_url, name)
            first = first or took
            print(f"{size:>9,} {took:>9.1f} {queued:>7,} {took / first:>11.2f}x  {plan[:90]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres", help="an admin URL, e.g. postgresql://postgres@127.0.0.1/test"
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    asyncio.run(run(sizes, args.postgres))


if __name__ == "__main__":
    main()
