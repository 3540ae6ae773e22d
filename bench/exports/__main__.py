"""Benchmark exports: 100,000 answers on SQLite to CSV and XLSX, against a plain dump.

    .venv/bin/python -m bench.exports [--answers 100000] [--keep DIR]

A freshly migrated SQLite database gets one community, 2,000 consented members, 20 meetings
with a Dutch and an Arabic title, a question per meeting in three languages, and the answers
(a third in Arabic with emoji, a third in Tigrinya, a third in Dutch; some with a leading `=`),
plus an RSVP per member and meeting.

Each export is the real command (`samen export … --format csv|xlsx|jsonl`) in its own process;
the baseline is the `sqlite3` command-line shell dumping the same answers with `-csv`
(`SELECT * FROM answers …`: the raw rows, no joins, no pseudonyms, no neutralising), and the
same shell running the export's own joined query, to separate the database from Python. Time is
wall-clock of the whole process (start-up included); peak memory is that process's maximum
resident set size (`wait4` rusage), so it includes the interpreter and every imported library.
A process that only imports the export code is measured too, for the baseline of Python itself.
Targets: CSV at most 2 × the dump, XLSX at most 5 ×, peak memory at most 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.dialects import sqlite as sqlite_dialect

from bot.db import migrate
from bot.db.engine import create_engine
from bot.services.exports.rows import CommunityInfo, ExportSpec, answers_query

CODE = "bench-exports"
MEMBERS = 2_000
MEETINGS = 20
FIRST_USER_ID = 980_000_000
TEXTS = [
    ("ar", "نحتاج مساعدة في الأوراق والسكن 📄🏠 شكراً لكم {n}"),
    ("ti", "ሰላም! ብዛዕባ ስራሕ ምድላይ ክንዛረብ ንደሊ {n} 🙏"),
    ("nl", "Graag meer over werk zoeken en taalles, antwoord {n}"),
    ("nl", '=HYPERLINK("http://example.invalid","klik") {n}'),
]


@dataclass
class Run:
    what: str
    seconds: float
    max_rss_mb: float
    size_mb: float


def stamp(moment: datetime) -> str:
    # UTCDateTime on SQLite: naive UTC text.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def build(path: Path, answers: int) -> None:
    async def migrate_db() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate_db())
    start = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
    now = stamp(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "INSERT INTO communities (id, code, name, default_locale, time_zone, "
            "retention_months, created_at) VALUES (1, ?, 'Invented Buurtkamer', 'nl', "
            "'Europe/Amsterdam', 24, ?)",
            (CODE, now),
        )
        db.executemany(
            "INSERT INTO members (id, telegram_user_id, locale, consent_version, "
            "consent_given_at, created_at) VALUES (?, ?, ?, 1, ?, ?)",
            [(m, FIRST_USER_ID + m, TEXTS[m % 3][0], now, now) for m in range(1, MEMBERS + 1)],
        )
        for meeting in range(1, MEETINGS + 1):
            starts = stamp(start + timedelta(weeks=2 * meeting))
            db.execute(
                "INSERT INTO meetings (id, community_id, status, starts_at, time_zone, "
                "source_locale, version, created_at, updated_at) VALUES "
                "(?, 1, 'scheduled', ?, 'Europe/Amsterdam', 'nl', 1, ?, ?)",
                (meeting, starts, now, now),
            )
            db.executemany(
                "INSERT INTO meeting_texts (meeting_id, locale, title, description) "
                "VALUES (?, ?, ?, '')",
                [(meeting, "nl", f"Taalcafé {meeting}"), (meeting, "ar", f"مقهى اللغة {meeting}")],
            )
            db.execute(
                "INSERT INTO questions (id, community_id, meeting_id, stage, position, kind, "
                "required, source_locale) VALUES (?, 1, ?, 'before', 0, 'text', 0, 'nl')",
                (meeting, meeting),
            )
            db.executemany(
                "INSERT INTO question_texts (question_id, locale, prompt) VALUES (?, ?, ?)",
                [
                    (meeting, "nl", "Waar wil je over praten?"),
                    (meeting, "ar", "عن ماذا تريد أن تتحدث؟"),
                    (meeting, "ti", "ብዛዕባ እንታይ ክትዛረብ ትደሊ?"),
                ],
            )
            db.executemany(
                "INSERT INTO rsvps (meeting_id, member_id, status, updated_at) "
                "VALUES (?, ?, ?, ?)",
                [
                    (meeting, m, ("going", "maybe", "not_going")[m % 3], now)
                    for m in range(1, MEMBERS + 1, 7)
                ],
            )
        rows = []
        for n in range(answers):
            member = n % MEMBERS + 1
            meeting = n % MEETINGS + 1
            locale, template = TEXTS[n % len(TEXTS)]
            at = stamp(start + timedelta(minutes=n))
            rows.append((member, meeting, meeting, template.format(n=n), locale, at, at))
        db.executemany(
            "INSERT INTO answers (member_id, community_id, meeting_id, question_id, source, "
            "kind, text, locale, created_at, updated_at) "
            "VALUES (?, 1, ?, ?, 'meeting', 'text', ?, ?, ?, ?)",
            rows,
        )
    db.close()


# Runs the command and prints its wall time and peak memory. A small process of its own: a
# child's maximum RSS counts the memory of the process it was forked from until `exec`, so
# forking from this (large) process would add the benchmark's own data to every figure.
_LAUNCHER = """
import os, sys, time
out = sys.argv[1]
began = time.perf_counter()
pid = os.fork()
if pid == 0:
    if out != "-":
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
    else:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - began, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def measure(what: str, command: list[str], out: Path, env: dict[str, str], *, stdout: bool) -> Run:
    """Run a process and return its wall time and its own peak memory."""
    launcher = [sys.executable, "-S", "-c", _LAUNCHER, str(out) if stdout else "-", *command]
    done = subprocess.run(launcher, env=env, capture_output=True, text=True, check=False)
    seconds, max_rss_kb, code = done.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"{what} failed: {done.stderr[-2000:]}")
    size = out.stat().st_size / 1e6 if out.exists() else 0.0
    # Linux reports ru_maxrss in kilobytes.
    return Run(what, float(seconds), int(max_rss_kb) / 1024, size)


def export_sql() -> str:
    """The export's own query (joins, texts in the export language, RSVP, input status) as
    SQL text, for a second baseline: what the database alone needs for the same rows."""
    community = CommunityInfo(1, CODE, "Invented Buurtkamer", "nl", "Europe/Amsterdam")
    query = answers_query(ExportSpec(community_id=1, language="nl"), community)
    compiled = query.compile(
        dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.exports")
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this dir")
    args = parser.parse_args()
    sqlite = shutil.which("sqlite3")
    if sqlite is None:
        raise SystemExit("the sqlite3 command-line shell is needed for the baseline")
    work = Path(tempfile.mkdtemp(prefix="samen-bench-exports-"))
    try:
        database = work / "samen.db"
        began = time.perf_counter()
        build(database, args.answers)
        print(
            f"built {args.answers:,} answers in {time.perf_counter() - began:.1f} s",
            file=sys.stderr,
        )
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "SAMEN_EXPORT_SECRET": "bench-export-secret-0123456789",
        }
        samen = [sys.executable, "-m", "bot"]
        runs = [
            measure(
                "sqlite3 -csv dump",
                [
                    sqlite,
                    "-csv",
                    "-header",
                    str(database),
                    "SELECT * FROM answers WHERE community_id = 1 ORDER BY id",
                ],
                work / "dump.csv",
                env,
                stdout=True,
            ),
            measure(
                "sqlite3 -csv, the export's own query",
                [sqlite, "-csv", "-header", str(database), export_sql()],
                work / "joined.csv",
                env,
                stdout=True,
            ),
            measure(
                "python, imports only",
                [sys.executable, "-c", "import bot.cli.export, openpyxl"],
                work / "nothing",
                env,
                stdout=False,
            ),
        ]
        for fmt in ("csv", "xlsx", "jsonl"):
            out = work / f"export.{fmt}"
            command = [*samen, "export", "--community", CODE, "--format", fmt, "--out", str(out)]
            runs.append(measure(f"samen export --format {fmt}", command, out, env, stdout=False))
        dump = runs[0].seconds
        print(f"\n{args.answers:,} answers, SQLite, {os.cpu_count()} CPUs\n")
        print("| what | seconds | × dump | peak memory (max RSS) | file |")
        print("| --- | --- | --- | --- | --- |")
        for run in runs:
            print(
                f"| {run.what} | {run.seconds:.2f} | {run.seconds / dump:.1f} | "
                f"{run.max_rss_mb:.0f} MB | {run.size_mb:.1f} MB |"
            )
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            for name in ("dump.csv", "export.csv", "export.xlsx", "export.jsonl"):
                shutil.copy(work / name, args.keep / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
