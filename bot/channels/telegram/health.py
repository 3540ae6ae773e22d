"""What /healthz reports: the database answers, the scheduler runs, the jobs make passes."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.channels.telegram.app import SamenApplication, outbox_of
from bot.channels.telegram.context import runtime_of
from bot.db import DatabaseUnavailable, check_connection

DATABASE_TIMEOUT = 5.0


async def health_report(application: SamenApplication) -> dict[str, Any]:
    runtime = runtime_of(application)
    try:
        await asyncio.wait_for(
            check_connection(runtime.engine, runtime.settings.safe_database_url()),
            DATABASE_TIMEOUT,
        )
        database = "ok"
    except (DatabaseUnavailable, TimeoutError):
        database = "unreachable"
    job_queue = application.job_queue
    scheduler_running = bool(job_queue is not None and job_queue.scheduler.running)
    return {
        "ok": database == "ok" and scheduler_running,
        "database": database,
        "scheduler": "running" if scheduler_running else "stopped",
        "last_passes": last_passes(application),
    }


def last_passes(application: SamenApplication) -> dict[str, str | None]:
    """When each periodic job last finished a pass (ISO 8601); null before its first."""
    passes = dict.fromkeys(outbox_of(application).scheduler.jobs)
    passes.update(runtime_of(application).heartbeats.last)
    return {job: at.isoformat() if at is not None else None for job, at in passes.items()}
