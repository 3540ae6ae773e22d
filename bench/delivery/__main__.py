"""Benchmark the outbox: one broadcast to 10,000 invented members against a fake Bot API.

    .venv/bin/python -m bench.delivery [--scenario limits|lifted|engine|shared|all] [--members N]

Scenarios:
  limits  the fake runs over HTTP in its own process and enforces Telegram's limits (30
          messages a second overall, 1 a second per chat; 429 with retry_after beyond them);
          the dispatcher runs with the default settings. Target: >= 95% of 30 msg/s.
  lifted  the same fake without limits, the dispatcher's rate set to 10,000/s.
  overrun the limits fake, but the dispatcher set to 45 msg/s: shows the fake's 429s, the
          pause they cause, and that still nobody gets a message twice or not at all.
  ceiling no Samen at all: a bare httpx client (16 connections) posting sendMessage to the
          unlimited HTTP fake. What the fake and the client can do on this machine — the
          ceiling for "lifted".
  engine  no HTTP at all: the fake answers inside the process. What the engine alone (the
          database claims and records, pacing, rendering, python-telegram-bot) sustains.
          Target: >= 1,000 msg/s on SQLite.

  shared  one broadcast (--members, e.g. 2000) against the limits fake while 50 other people
          use the bot (/help every 5 s each, through the real application): first with
          Samen's one budget (replies and the outbox in one pacer, replies first), then with
          two budgets of 30/s each, one for replies and one for the outbox, as before the
          shared pacer. Reports 429s, reply latency p50/p95, the broadcast's rate against
          the budget the replies leave, duplicates and losses.

Each reports messages/second sustained (from the fake's own clock, first to last accepted
send), the slowest 10-second window, 429s received, duplicates and losses.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from telegram import Update

from bench.delivery.fake_api import TimedFakeBotAPI
from bot.channels.telegram.app import build_application, outbox_of
from bot.channels.telegram.outbox.sender import TelegramChannel
from bot.channels.telegram.renderers import build_renderers
from bot.config import Settings, load_settings
from bot.db import migrate
from bot.db.engine import create_engine
from bot.db.models import Community, Member, Membership, OutboxMessage, OutboxState
from bot.runtime import Runtime, system_clock
from bot.services.members import privacy
from bot.services.outbox import announcements
from bot.services.outbox.dispatcher import DeliveryConfig, Dispatcher, RunSummary
from bot.services.outbox.pacer import Pacer
from tests.factories import Person, UpdateFactory
from tests.fakes.bot_api import FakeRequest

TOKEN = "123456789:BENCH-token-for-the-fake-bot-api-only"
FIRST_USER_ID = 960_000_000


@dataclass
class Result:
    scenario: str
    members: int
    seconds: float
    sustained: float
    slowest_window: float | None
    throttled: int
    duplicates: int
    losses: int
    states: dict[str, int]

    def line(self) -> str:
        window = f"{self.slowest_window:.1f}" if self.slowest_window is not None else "n/a"
        return (
            f"{self.scenario:7} {self.members} messages in {self.seconds:.1f} s: "
            f"{self.sustained:.1f} msg/s sustained (slowest 10 s window {window} msg/s), "
            f"429s received {self.throttled}, duplicates {self.duplicates}, "
            f"losses {self.losses}, states {self.states}"
        )


async def prepare(database_url: str, members: int) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        async with engine.begin() as conn:
            community = (
                await conn.execute(
                    insert(Community)
                    .values(
                        code="bench",
                        name="Invented benchmark community",
                        default_locale="nl",
                        time_zone="Europe/Amsterdam",
                        retention_months=24,
                        created_at=func.now(),
                    )
                    .returning(Community.id)
                )
            ).scalar_one()
            locales = ["nl", "ar", "uk", "fa", "ti", "so", "tr", "ru", "en"]
            now = system_clock()
            for start in range(0, members, 1000):
                chunk = range(start, min(start + 1000, members))
                ids = (
                    await conn.execute(
                        insert(Member).returning(Member.id),
                        [
                            {
                                "telegram_user_id": FIRST_USER_ID + i,
                                "locale": locales[i % len(locales)],
                                "consent_version": privacy.NOTICE_VERSION,
                                "consent_given_at": now,
                                "created_at": now,
                            }
                            for i in chunk
                        ],
                    )
                ).scalars()
                await conn.execute(
                    insert(Membership),
                    [
                        {"member_id": member_id, "community_id": community, "joined_at": now}
                        for member_id in ids
                    ],
                )
    finally:
        await engine.dispose()


def start_fake(rate: float, chat_rate: float, stats: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.delivery.fake_api",
            "--rate",
            str(rate),
            "--chat-rate",
            str(chat_rate),
            "--stats",
            str(stats),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    return process, url


async def broadcast(settings: Settings, request: Any, config: DeliveryConfig) -> RunSummary:
    runtime = Runtime.create(settings)
    channel = TelegramChannel.create(settings, runtime.catalogs, build_renderers(), request)
    dispatcher = Dispatcher(
        runtime.sessions, channel, config, instance="bench", clock=runtime.clock
    )
    total = RunSummary()
    try:
        async with runtime.sessions() as session:
            await announcements.announce(
                session,
                community_code="bench",
                texts={"nl": "Zaterdag koken we samen in het buurthuis. Iedereen is welkom!"},
                source_locale="nl",
                now=runtime.clock(),
            )
        await channel.start()
        while True:
            summary = await dispatcher.run_once()
            for name, value in vars(summary).items():
                setattr(total, name, getattr(total, name) + value)
            async with runtime.sessions() as session:
                left = await session.scalar(
                    select(func.count()).where(
                        OutboxMessage.state.in_([OutboxState.QUEUED, OutboxState.SENDING])
                    )
                )
            if not left:
                break
            await asyncio.sleep(0.2)  # rows waiting for a retry time
    finally:
        await channel.stop()
        await runtime.close()
    return total


async def final_states(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
            )
            return {str(state): count for state, count in rows}
    finally:
        await engine.dispose()


def rates(times: list[float]) -> tuple[float, float | None]:
    if len(times) < 2:
        return 0.0, None
    times = sorted(times)
    sustained = (len(times) - 1) / (times[-1] - times[0])
    windows = []
    start = times[0]
    counts = Counter(int((t - start) // 10) for t in times)
    last_full = int((times[-1] - start) // 10)
    windows = [counts.get(i, 0) / 10 for i in range(last_full)]  # only complete windows
    return sustained, (min(windows) if windows else None)


async def hammer(api_url: str, count: int, connections: int = 16) -> None:
    import httpx

    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits) as client:
        slots = asyncio.Semaphore(connections)

        async def one(i: int) -> None:
            async with slots:
                answer = await client.post(
                    f"{api_url}/bot{TOKEN}/sendMessage",
                    json={"chat_id": FIRST_USER_ID + i, "text": "Hallo"},
                )
                answer.raise_for_status()

        await asyncio.gather(*(one(i) for i in range(count)))


def run_ceiling(members: int, workdir: Path) -> Result:
    stats = workdir / "ceiling-stats.json"
    fake, api_url = start_fake(0.0, 1.0, stats)
    started = time.monotonic()
    try:
        asyncio.run(hammer(api_url, members))
    finally:
        fake.terminate()
        fake.wait(timeout=60)
    data = json.loads(stats.read_text())
    accepted = Counter({int(k): v for k, v in data["accepted"].items()})
    sustained, slowest = rates(data["times"])
    return Result(
        scenario="ceiling",
        members=members,
        seconds=time.monotonic() - started,
        sustained=sustained,
        slowest_window=slowest,
        throttled=data["throttled"],
        duplicates=sum(n - 1 for n in accepted.values() if n > 1),
        losses=members - len(accepted),
        states={},
    )


def run_scenario(scenario: str, members: int, workdir: Path, database_url: str | None) -> Result:
    url = database_url or f"sqlite+aiosqlite:///{workdir / f'{scenario}.db'}"
    url = load_settings(_env_file=None, DATABASE_URL=url).database_url  # the async driver
    asyncio.run(prepare(url, members))
    env: dict[str, Any] = {
        "_env_file": None,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": url,
        "SAMEN_LOG_LEVEL": "WARNING",
    }
    if scenario == "limits":
        config = DeliveryConfig()  # the defaults: 30/s overall, 1/s per chat
    elif scenario == "overrun":
        config = DeliveryConfig(rate=45.0)
    else:
        config = DeliveryConfig(rate=10_000.0, chat_rate=100.0, batch=200, concurrency=16)
    fake = None
    in_process = None
    stats = workdir / f"{scenario}-stats.json"
    request = None
    if scenario == "engine":
        in_process = TimedFakeBotAPI(limits=None)
        request = FakeRequest(in_process)
        env["TELEGRAM_API_URL"] = "http://127.0.0.1:9"
    else:
        rate = 30.0 if scenario in ("limits", "overrun") else 0.0
        fake, api_url = start_fake(rate, 1.0, stats)
        env["TELEGRAM_API_URL"] = api_url
    settings = load_settings(**env)
    started = time.monotonic()
    try:
        summary = asyncio.run(broadcast(settings, request, config))
    finally:
        if fake is not None:
            fake.terminate()
            fake.wait(timeout=60)
    seconds = time.monotonic() - started
    if in_process is not None:
        accepted = Counter(in_process.accepted)
        times, fake_throttled = in_process.times, 0
    else:
        data = json.loads(stats.read_text())
        accepted = Counter({int(k): v for k, v in data["accepted"].items()})
        times, fake_throttled = data["times"], data["throttled"]
    assert summary.throttled == fake_throttled or scenario == "engine", (
        summary.throttled,
        fake_throttled,
    )
    sustained, slowest = rates(times)
    expected = {FIRST_USER_ID + i for i in range(members)}
    return Result(
        scenario=scenario,
        members=members,
        seconds=seconds,
        sustained=sustained,
        slowest_window=slowest,
        throttled=summary.throttled,
        duplicates=sum(n - 1 for n in accepted.values() if n > 1),
        losses=len(expected - set(accepted)),
        states=asyncio.run(final_states(url)),
    )


INTERACTIVE_FIRST_ID = 970_000_000


@dataclass
class SharedResult:
    setup: str
    seconds: float
    throttled: int
    replies: int
    replies_lost: int
    p50: float
    p95: float
    broadcast_rate: float
    left_by_replies: float
    duplicates: int
    losses: int

    def line(self) -> str:
        return (
            f"{self.setup:12} {self.seconds:.1f} s: 429s {self.throttled}, replies "
            f"{self.replies} (lost {self.replies_lost}) p50 {1000 * self.p50:.0f} ms "
            f"p95 {1000 * self.p95:.0f} ms; broadcast {self.broadcast_rate:.1f} msg/s of "
            f"{self.left_by_replies:.1f} left by the replies "
            f"({self.broadcast_rate / self.left_by_replies:.2f}x), "
            f"duplicates {self.duplicates}, losses {self.losses}"
        )


async def broadcast_while_chatting(
    settings: Settings, setup: str, people: int, every: float
) -> tuple[float, list[float], int, int]:
    """The broadcast and the interactive load at once; (seconds, latencies, asked, failed)."""
    runtime = Runtime.create(settings)
    rate, chat_rate = settings.telegram_rate, settings.telegram_chat_rate
    shared = Pacer(rate, chat_rate)
    # "two budgets": the replies' pacer and the outbox's are separate, 30/s each.
    app = build_application(settings, runtime=runtime, pacer=shared)
    if setup == "one budget":
        dispatcher = outbox_of(app).dispatcher
        channel = outbox_of(app).channel
    else:
        channel = TelegramChannel.create(settings, runtime.catalogs, build_renderers())
        dispatcher = Dispatcher(
            runtime.sessions,
            channel,
            DeliveryConfig.from_settings(settings),
            instance="bench",
            clock=runtime.clock,
            pacer=Pacer(rate, chat_rate),
        )
    await app.initialize()
    await channel.start()
    updates = UpdateFactory()
    latencies: list[float] = []
    failed = 0
    asked = 0
    done = asyncio.Event()

    async def one(person: Person) -> None:
        nonlocal failed
        update = Update.de_json(updates.text(person, "/help"), app.bot)
        started = time.monotonic()
        try:
            await app.process_update(update)
        except Exception:
            failed += 1
        latencies.append(time.monotonic() - started)

    async def member(i: int) -> None:
        nonlocal asked
        person = Person(INTERACTIVE_FIRST_ID + i, f"Invented{i}", "nl")
        await asyncio.sleep(every * i / people)  # spread over the interval
        tasks = []
        while not done.is_set():
            asked += 1
            tasks.append(asyncio.create_task(one(person)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), every)
        await asyncio.gather(*tasks)

    started = time.monotonic()
    try:
        async with runtime.sessions() as session:
            await announcements.announce(
                session,
                community_code="bench",
                texts={"nl": "Zaterdag koken we samen in het buurthuis. Iedereen is welkom!"},
                source_locale="nl",
                now=runtime.clock(),
            )
        chatting = [asyncio.create_task(member(i)) for i in range(people)]
        started = time.monotonic()  # the sending, not the queuing of the 2,000 rows
        while True:
            await dispatcher.run_once()
            async with runtime.sessions() as session:
                left = await session.scalar(
                    select(func.count()).where(
                        OutboxMessage.state.in_([OutboxState.QUEUED, OutboxState.SENDING])
                    )
                )
            if not left:
                break
            await asyncio.sleep(0.2)  # rows waiting for a retry time
        seconds = time.monotonic() - started
        done.set()
        await asyncio.gather(*chatting)
    finally:
        await channel.stop()
        await app.shutdown()
        await runtime.close()
    return seconds, latencies, asked, failed


def run_shared(members: int, workdir: Path, database_url: str | None) -> list[SharedResult]:
    results = []
    for setup in ("one budget", "two budgets"):
        name = setup.replace(" ", "-")
        url = database_url or f"sqlite+aiosqlite:///{workdir / f'shared-{name}.db'}"
        url = load_settings(_env_file=None, DATABASE_URL=url).database_url
        asyncio.run(prepare(url, members))
        stats = workdir / f"shared-{name}-stats.json"
        fake, api_url = start_fake(30.0, 1.0, stats)
        settings = load_settings(
            _env_file=None,
            TELEGRAM_BOT_TOKEN=TOKEN,
            DATABASE_URL=url,
            TELEGRAM_API_URL=api_url,
            SAMEN_LOG_LEVEL="WARNING",
        )
        try:
            seconds, latencies, asked, _failed = asyncio.run(
                broadcast_while_chatting(settings, setup, people=50, every=5.0)
            )
        finally:
            fake.terminate()
            fake.wait(timeout=60)
        data = json.loads(stats.read_text())
        accepted = Counter({int(k): v for k, v in data["accepted"].items()})
        recipients = {FIRST_USER_ID + i for i in range(members)}
        replies = sum(n for chat, n in accepted.items() if chat >= INTERACTIVE_FIRST_ID)
        # Replies during the broadcast only: the broadcast's share is what they leave.
        reply_rate = min(replies, asked) / seconds
        latencies.sort()
        results.append(
            SharedResult(
                setup=setup,
                seconds=seconds,
                throttled=data["throttled"],
                replies=replies,
                replies_lost=asked - replies,
                p50=latencies[len(latencies) // 2],
                p95=latencies[int(len(latencies) * 0.95)],
                broadcast_rate=members / seconds,
                left_by_replies=30.0 - reply_rate,
                duplicates=sum(accepted[c] - 1 for c in recipients if accepted[c] > 1),
                losses=sum(1 for c in recipients if accepted[c] == 0),
            )
        )
        print(results[-1].line(), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenario",
        choices=["limits", "lifted", "ceiling", "engine", "overrun", "shared", "all"],
        default="all",
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument(
        "--database-url", help="an empty database to use instead of a temporary SQLite file"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    everything = ["engine", "ceiling", "lifted", "limits"]
    scenarios = everything if args.scenario == "all" else [args.scenario]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus", flush=True)
    with tempfile.TemporaryDirectory(prefix="samen-bench-") as tmp:
        for scenario in scenarios:
            if scenario == "shared":
                run_shared(args.members, Path(tmp), args.database_url)
                continue
            if scenario == "ceiling":
                result = run_ceiling(args.members, Path(tmp))
            else:
                result = run_scenario(scenario, args.members, Path(tmp), args.database_url)
            print(result.line(), flush=True)
            if scenario in ("limits", "overrun"):
                print(f"        {100 * result.sustained / 30:.1f}% of the 30 msg/s limit")


if __name__ == "__main__":
    main()
