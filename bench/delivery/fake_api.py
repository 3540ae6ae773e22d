"""A fake Bot API over HTTP that enforces Telegram's flood limits, in a process of its own.

It answers 429 with `retry_after` when a call exceeds the overall or the per-chat rate, and
on SIGTERM writes what it accepted (per chat, with times) to a JSON file.

    python -m bench.delivery.fake_api --port 0 --rate 30 --chat-rate 1 --stats stats.json
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections import Counter
from typing import Any

from tests.fakes.bot_api import SENDING_METHODS, FakeBotAPI, TelegramLimits
from tests.fakes.http_server import FakeBotAPIServer


class TimedFakeBotAPI(FakeBotAPI):
    """Keeps only what the benchmark needs: accepted sends per chat and their times."""

    def __init__(self, limits: TelegramLimits | None) -> None:
        super().__init__(limits)
        self.accepted: Counter[int] = Counter()
        self.times: list[float] = []

    def handle(
        self, method: str, params: dict[str, Any], files: dict[str, bytes] | None = None
    ) -> tuple[int, dict[str, Any]]:
        status, body = super().handle(method, params, files)
        if status == 200 and method in SENDING_METHODS:
            with self._lock:
                self.accepted[int(params["chat_id"])] += 1
                self.times.append(time.monotonic())
                self.calls.clear()  # 10,000 recorded calls are not needed here
        return status, body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rate", type=float, default=30.0, help="0: no limits")
    parser.add_argument("--chat-rate", type=float, default=1.0)
    parser.add_argument("--stats", required=True)
    args = parser.parse_args()
    limits = TelegramLimits(args.rate, args.chat_rate) if args.rate > 0 else None
    api = TimedFakeBotAPI(limits)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FakeBotAPIServer(api, port=args.port) as server:
        print(server.url, flush=True)
        stop.wait()
    with open(args.stats, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "accepted": {str(chat): n for chat, n in api.accepted.items()},
                "times": api.times,
                "throttled": api.throttled,
            },
            handle,
        )
    sys.exit(0)


if __name__ == "__main__":
    main()
