"""Samen's side of the benchmark: the export service as `samen export` and the bot call it.

    python -m bench.exports.samen csv|xlsx DATABASE OUT

The last line on stderr is the seconds from creating the engine to the closed, audited file
(imports and interpreter start-up excluded, as for the baseline): wall clock, then the CPU time
of the process (all its threads, the database driver's included).
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from bot.db.engine import create_engine, create_session_factory
from bot.i18n import Catalogs
from bot.services import exports
from bot.services.exports import ExportSpec

SECRET = SecretStr("bench-export-secret-0123456789")


async def run(fmt: str, database: str, out: Path) -> tuple[float, float]:
    catalogs = Catalogs(Path("locales"), "Europe/Amsterdam")
    began, cpu = time.perf_counter(), time.process_time()
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        sessions = create_session_factory(engine)
        now = datetime.now(UTC)
        codes = await exports.member_codes(sessions, SECRET, now=now)
        with out.open("wb") as handle:
            await exports.export(
                sessions,
                ExportSpec(community_id=1, language="nl"),
                fmt,
                handle,
                translator=catalogs.translator("nl", "Europe/Amsterdam"),
                codes=codes,
                now=now,
                actor_user_id=None,
                channel="bench",
            )
    finally:
        await engine.dispose()
    return time.perf_counter() - began, time.process_time() - cpu


def main() -> None:
    wall, cpu = asyncio.run(run(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
    print(wall, cpu, file=sys.stderr)


if __name__ == "__main__":
    main()
