"""`samen outbox status|resend|dispatch`: see and steer what the bot sends."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram.outbox.worker import build_outbox
from bot.cli.common import settings, with_engine
from bot.config import Settings
from bot.db import check_connection, prepare_database
from bot.db.engine import create_session_factory
from bot.db.models import OutboxState
from bot.logs import configure_logging
from bot.runtime import Runtime, system_clock
from bot.services.outbox import reports as outbox_reports
from bot.services.outbox.reports import BroadcastSummary, StatusRow

log = logging.getLogger(__name__)

BAR_WIDTH = 30
REFRESH_SECONDS = 1.0


# --- status ----------------------------------------------------------------------------------


def show_status(args: argparse.Namespace) -> int:
    config = settings()
    watch = args.watch or (sys.stdout.isatty() and not args.once)

    async def work(engine: Any) -> None:
        await check_connection(engine, config.safe_database_url())
        await watch_status(
            create_session_factory(engine),
            purpose=args.purpose,
            broadcast_id=args.broadcast,
            watch=watch,
            out=sys.stdout,
            redraw=sys.stdout.isatty(),
        )

    try:
        with_engine(config, work)
    except KeyboardInterrupt:
        print(file=sys.stdout)
    return 0


async def watch_status(
    sessions: async_sessionmaker[AsyncSession],
    *,
    purpose: str | None,
    broadcast_id: int | None,
    watch: bool,
    out: TextIO,
    redraw: bool,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> int:
    """Print the counts; with `watch`, refresh them until nothing is left to send.

    Returns the number of frames printed.
    """
    shown_lines = 0
    frames = 0
    seen: list[int] = []  # broadcasts shown running: they stay until the end, at 100%
    while True:
        async with sessions() as session:
            rows = await outbox_reports.status(session, purpose=purpose, broadcast_id=broadcast_id)
            if broadcast_id is not None:
                running = await outbox_reports.broadcast_summaries(
                    session, broadcast_ids=[broadcast_id]
                )
            else:
                running = await outbox_reports.broadcast_summaries(
                    session, purpose=purpose, active_only=True, limit=20
                )
                missing = [i for i in seen if i not in {b.id for b in running}]
                if missing:
                    running += await outbox_reports.broadcast_summaries(
                        session, broadcast_ids=missing
                    )
        running.sort(key=lambda b: b.id)
        seen = [b.id for b in running]
        frame = render_status(rows, running)
        if redraw and shown_lines:
            out.write(f"\x1b[{shown_lines}F\x1b[J")  # back to the first line, clear below
        out.write(frame + "\n")
        out.flush()
        frames += 1
        shown_lines = frame.count("\n") + 1
        active = any(r.state in (OutboxState.QUEUED, OutboxState.SENDING) for r in rows)
        if not watch or not active:
            return frames
        await sleep(REFRESH_SECONDS)


def render_status(rows: list[StatusRow], broadcasts: list[BroadcastSummary]) -> str:
    """A table of counts by purpose, state and reason, then a bar per running broadcast."""
    if not rows:
        return "nothing in the outbox"
    header = ("purpose", "state", "reason", "count")
    table = [(r.purpose, r.state.value, r.reason or "", str(r.count)) for r in rows]
    widths = [max(len(line[i]) for line in [header, *table]) for i in range(4)]
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i == 3 else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ).rstrip()
        for line in [header, *table]
    ]
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.state.value] = totals.get(row.state.value, 0) + row.count
    lines.append("total: " + ", ".join(f"{state} {n}" for state, n in totals.items()))
    for summary in broadcasts:
        lines.append(progress_line(summary))
    return "\n".join(lines)


def progress_line(summary: BroadcastSummary) -> str:
    total = summary.total or 1
    filled = round(BAR_WIDTH * summary.done / total)
    bar = "█" * filled + "░" * (BAR_WIDTH - filled)
    percent = 100 * summary.done // total
    waiting = (
        f"queued {summary.count(OutboxState.QUEUED)}, sending {summary.count(OutboxState.SENDING)}"
    )
    return (
        f"broadcast #{summary.id} {summary.purpose} ({summary.community_name}) "
        f"[{bar}] {summary.done}/{summary.total} {percent}% ({waiting})"
    )


# --- resend ----------------------------------------------------------------------------------


def resend_rows(args: argparse.Namespace) -> int:
    config = settings()
    state = OutboxState.FAILED if args.failed else OutboxState.UNKNOWN

    async def work(engine: Any) -> int:
        await check_connection(engine, config.safe_database_url())
        async with create_session_factory(engine)() as session:
            count = await outbox_reports.resend(
                session,
                states=[state],
                now=system_clock(),
                purpose=args.purpose,
                broadcast_id=args.broadcast,
            )
            await session.commit()
            return count

    count = with_engine(config, work)
    print(f"{count} {state.value} message(s) queued again")
    return 0


# --- dispatch --------------------------------------------------------------------------------


def dispatch_forever(_args: argparse.Namespace) -> int:
    config = settings()
    token = config.require_token()
    configure_logging(config.log_level, secrets=[token])
    asyncio.run(prepare_database(config.database_url, config.safe_database_url()))
    asyncio.run(_dispatch(config))
    return 0


async def _dispatch(config: Settings) -> None:
    runtime = Runtime.create(config)
    worker = build_outbox(runtime, role="dispatch")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await worker.start()
        log.info("dispatching the outbox", extra={"kind": worker.dispatcher.instance})
        await stop.wait()
        log.info("stopping: letting calls under way finish")
        await worker.stop()
    finally:
        await runtime.close()
    log.info("stopped")
