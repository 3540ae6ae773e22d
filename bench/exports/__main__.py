"""Benchmark exports: 100,000 answers on SQLite to CSV and XLSX, against fair baselines.

    .venv/bin/python -m bench.exports [--answers 100000] [--rounds 3] [--keep DIR]

A freshly migrated SQLite database gets one community, 2,000 consented members, 20 meetings
with a Dutch and an Arabic title, a question per meeting in three languages, and the answers
(a third in Arabic with emoji, a third in Tigrinya, a third in Dutch; some with a leading `=`),
plus an RSVP per member and meeting.

The baselines (`bench.exports.baseline`) do the same work by hand: the export's own joined query
through the stdlib `sqlite3` module, the same cells (member codes, labels, local times,
neutralised text), written with `csv` — the same bytes as Samen's CSV — or with XlsxWriter in
`constant_memory` mode — the same sheets, cells and formats. Samen's side
(`bench.exports.samen`) is the export service as the command and the bot call it. Both report
the seconds of the work itself, in a process of their own; the ratios compare those. The real
command (`samen export … --format csv|xlsx`) runs too, for wall-clock time with start-up and for
peak memory: that process's maximum resident set size (`wait4` rusage), interpreter and every
imported library included. Every round runs every contestant once, in turn, so a busy moment on
the machine falls on all of them; the table gives medians over the rounds.
Targets: XLSX ≤ 1.2 × its baseline, CSV ≤ 1.3 × its baseline, peak memory ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
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
from bot.services.exports.rows import (
    CommunityInfo,
    ExportSpec,
    answers_query,
    meetings_query,
    rsvps_query,
)

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
    wall: float  # the whole process, start-up included
    work: float | None  # the export itself, as the process reports it (wall clock)
    cpu: float | None  # and its CPU time, steadier than wall clock on a shared machine
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
    last = done.stderr.strip().rsplit("\n", 1)[-1].split() if done.stderr.strip() else []
    try:
        work, cpu = (float(last[0]), float(last[1])) if len(last) == 2 else (None, None)
    except ValueError:
        work, cpu = None, None
    # Linux reports ru_maxrss in kilobytes.
    return Run(what, float(seconds), work, cpu, int(max_rss_kb) / 1024, size)


def export_sql(directory: Path) -> None:
    """The export's own queries (joins, texts in the export language, RSVP, input status) as
    SQL text, for the baselines: the same rows from the same database without SQLAlchemy."""
    community = CommunityInfo(1, CODE, "Invented Buurtkamer", "nl", "Europe/Amsterdam")
    spec = ExportSpec(community_id=1, language="nl")
    for name, query in (
        ("meetings", meetings_query(spec, community)),
        ("answers", answers_query(spec, community)),
        ("rsvps", rsvps_query(spec, community)),
    ):
        compiled = query.compile(
            dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}
        )
        (directory / f"{name}.sql").write_text(str(compiled))


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio_cells(mine: list[float | None], base: list[float | None]) -> tuple[str, str]:
    """The median, and the median (min–max) of each round's ratio to the baseline: the two
    runs of a round met the same moment on the machine."""
    pairs = [(m, b) for m, b in zip(mine, base, strict=True) if m is not None and b is not None]
    if not pairs:
        return "—", "—"
    ratios = [m / b for m, b in pairs]
    return (
        f"{median([m for m, _ in pairs]):.2f} s",
        f"{median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})",
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.exports")
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this dir")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="samen-bench-exports-"))
    try:
        database = work / "samen.db"
        began = time.perf_counter()
        build(database, args.answers)
        export_sql(work)
        print(
            f"built {args.answers:,} answers in {time.perf_counter() - began:.1f} s",
            file=sys.stderr,
        )
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "SAMEN_EXPORT_SECRET": "bench-export-secret-0123456789",
        }
        python = sys.executable
        contestants: list[tuple[str, list[str], Path]] = []
        for fmt in ("csv", "xlsx"):
            base, mine = work / f"baseline.{fmt}", work / f"samen.{fmt}"
            contestants += [
                (
                    f"baseline {fmt}",
                    [
                        python,
                        "-m",
                        "bench.exports.baseline",
                        fmt,
                        str(database),
                        str(work),
                        str(base),
                    ],
                    base,
                ),
                (
                    f"samen {fmt}",
                    [python, "-m", "bench.exports.samen", fmt, str(database), str(mine)],
                    mine,
                ),
            ]
        for fmt in ("csv", "xlsx"):
            out = work / f"export.{fmt}"
            command = [python, "-m", "bot", "export", "--community", CODE, "--format", fmt]
            contestants.append(
                (f"`samen export --format {fmt}`", [*command, "--out", str(out)], out)
            )
        runs: dict[str, list[Run]] = {what: [] for what, _, _ in contestants}
        for number in range(args.rounds):
            for what, command, out in contestants:
                run = measure(what, command, out, env, stdout=False)
                runs[what].append(run)
                work_text = (
                    f"{run.work:.2f} s work, {run.cpu:.2f} s CPU"
                    if run.work is not None and run.cpu is not None
                    else "-"
                )
                print(
                    f"round {number + 1}: {what}: {work_text}, {run.wall:.2f} s wall, "
                    f"{run.max_rss_mb:.0f} MB, load {os.getloadavg()[0]:.1f}",
                    file=sys.stderr,
                )
        same = (work / "baseline.csv").read_bytes() == (work / "samen.csv").read_bytes()
        print(f"\n{args.answers:,} answers, SQLite, {os.cpu_count()} CPUs, {args.rounds} rounds")
        print(f"Samen's CSV and the baseline's CSV are byte for byte the same: {same}\n")
        print(
            "| what | work (median) | × baseline | CPU (median) | × baseline | "
            "process wall (median) | peak memory (max) | file |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for what, measured in runs.items():
            fmt = what.rsplit(" ", 1)[-1].strip("`")
            base = runs[f"baseline {fmt}"]
            cells = [
                ratio_cells([r.work for r in measured], [b.work for b in base]),
                ratio_cells([r.cpu for r in measured], [b.cpu for b in base]),
            ]
            wall = median([r.wall for r in measured])
            print(
                f"| {what} | {cells[0][0]} | {cells[0][1]} | {cells[1][0]} | {cells[1][1]} | "
                f"{wall:.2f} s | {max(r.max_rss_mb for r in measured):.0f} MB | "
                f"{measured[-1].size_mb:.1f} MB |"
            )
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            for _, _, out in contestants:
                shutil.copy(out, args.keep / out.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
