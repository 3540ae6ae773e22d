"""Benchmark fairness under a flood: one member sends 300 messages while 20 others use the bot.

    .venv/bin/python -m bench.flood [--rounds 2] [--others 20] [--flood 300] [--turns 8]
                                    [--postgres-url postgresql://…/db]

The application runs as `samen run` runs it (started, updates put on its update queue; the
fake Bot API answers inside the process, with the default reply rate of 30/s in front of it).
The flooder's 300 messages arrive within about a second; each of the others sends `--turns`
messages (/help, /share, a story, /language, …), each after the answer to the previous one
and a short pause, as a person does. Measured: the others' reply latency, from the update
entering the queue to the reply reaching the fake. Target: p95 <= 1 s.

Scenarios, interleaved over the rounds, each on a freshly seeded database:
  old       updates one after another and no throttle: main before «every member in turn».
  throttle  one after another, with the inbound throttle (20 a minute).
  turns     chats side by side (ChatTurns), no throttle.
  both      chats side by side and the throttle: what `samen run` does now.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import SimpleUpdateProcessor
from telegram.request import RequestData

import bot.channels.telegram.app as telegram_app
from bench.updates.__main__ import TOKEN, people, seed
from bot.channels.telegram.app import build_application
from bot.channels.telegram.turns import ChatTurns
from bot.config import load_settings
from bot.runtime import Runtime
from tests.factories import UpdateFactory
from tests.fakes.bot_api import FakeBotAPI, FakeRequest

SCENARIOS = {
    # name: (chats side by side, throttle on)
    "old": (False, False),
    "throttle": (False, True),
    "turns": (True, False),
    "both": (True, True),
}
TURNS = ["/help", "/share", "Ons buurthuis heeft een moestuin nodig.", "/language"]
# A person reads the answer before sending the next one. 20 people at this pace ask for about
# 13 replies a second, within the 30 a second Telegram (and SAMEN_REPLY_RATE) allows.
THINK_SECONDS = 1.5


class TimedRequest(FakeRequest):
    """The in-process fake, noting when each message reached a chat."""

    def __init__(self, api: FakeBotAPI) -> None:
        super().__init__(api)
        self.arrived: dict[int, list[float]] = defaultdict(list)
        self.waiters: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        answer = await super().do_request(url, method, request_data, **kwargs)
        if url.endswith("/sendMessage") and request_data is not None:
            chat = int(request_data.parameters["chat_id"])
            self.arrived[chat].append(time.perf_counter())
            self.waiters[chat].set()
        return answer


@dataclass
class Result:
    scenario: str
    latencies: list[float] = field(default_factory=list)
    flood_answered: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return (
            f"| {self.scenario} | {len(ordered)} | {p50 * 1000:,.0f} ms | {p95 * 1000:,.0f} ms | "
            f"{ordered[-1] * 1000:,.0f} ms | {self.flood_answered} | {self.seconds:.1f} s |"
        )


async def run(database_url: str, scenario: str, others: int, flood: int, turns: int) -> Result:
    side_by_side, throttled = SCENARIOS[scenario]
    await seed(database_url, others + 1)
    settings = load_settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=database_url,
        TELEGRAM_API_URL="http://127.0.0.1:9",
        # Off: the most SAMEN_INBOUND_PER_MINUTE allows, far above the flood.
        SAMEN_INBOUND_PER_MINUTE=20 if throttled else 10_000,
    )
    runtime = Runtime.create(settings)
    request = TimedRequest(FakeBotAPI())
    # The old way: PTB's default processor, one update at a time (what main did before).
    telegram_app.ChatTurns = ChatTurns if side_by_side else lambda: SimpleUpdateProcessor(1)  # type: ignore[assignment,misc]
    try:
        app = build_application(settings, runtime=runtime, request=request)
    finally:
        telegram_app.ChatTurns = ChatTurns  # type: ignore[misc]
    flooder, *members = people(0, others + 1)
    factory = UpdateFactory()
    result = Result(scenario)

    async def flood_in() -> None:
        for i in range(flood):
            app.update_queue.put_nowait(Update.de_json(factory.text(flooder, f"Hoi {i}"), app.bot))
            if i % 10 == 9:
                await asyncio.sleep(0.03)  # 300 in about a second

    async def member(index: int) -> None:
        person = members[index]
        await asyncio.sleep(index * THINK_SECONDS / others)  # not all at the same instant
        for k in range(turns):
            waiter = request.waiters[person.id]
            waiter.clear()
            seen = len(request.arrived[person.id])
            sent_at = time.perf_counter()
            raw = factory.text(person, TURNS[k % len(TURNS)])
            app.update_queue.put_nowait(Update.de_json(raw, app.bot))
            while len(request.arrived[person.id]) == seen:
                await waiter.wait()
                waiter.clear()
            result.latencies.append(request.arrived[person.id][seen] - sent_at)
            await asyncio.sleep(THINK_SECONDS)

    async with app:
        await app.start()
        began = time.perf_counter()
        await asyncio.gather(flood_in(), *(member(i) for i in range(others)))
        await app.update_queue.join()
        result.seconds = time.perf_counter() - began
        await app.stop()
    result.flood_answered = len(request.arrived[flooder.id])
    await runtime.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.flood")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--flood", type=int, default=300)
    parser.add_argument("--turns", type=int, default=8)
    parser.add_argument("--postgres-url", help="an empty PostgreSQL database (it is wiped)")
    args = parser.parse_args()
    results: dict[str, list[Result]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as folder:
        if args.postgres_url:
            url = load_settings(_env_file=None, DATABASE_URL=args.postgres_url).database_url
        for round_ in range(args.rounds):
            for scenario in SCENARIOS:
                if not args.postgres_url:
                    url = f"sqlite+aiosqlite:///{folder}/flood-{round_}-{scenario}.db"
                result = asyncio.run(run(url, scenario, args.others, args.flood, args.turns))
                results[scenario].append(result)
                print(f"round {round_ + 1}: {result.line()}", flush=True)
    print("\n| scenario | others' replies | p50 | p95 | max | flood answered | run |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for scenario, runs in results.items():
        merged = Result(scenario)
        for r in runs:
            merged.latencies += r.latencies
        merged.flood_answered = round(statistics.mean(r.flood_answered for r in runs))
        merged.seconds = statistics.mean(r.seconds for r in runs)
        print(merged.line())


if __name__ == "__main__":
    main()
