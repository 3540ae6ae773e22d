"""SIGTERM during a broadcast: the calls in flight finish and are recorded; nothing is left
in `sending`, nothing is sent twice, and the rest waits in the queue for the next start."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.config import Settings
from bot.db.models import OutboxState
from tests.cli.test_run_process import TIMEOUT, samen_env
from tests.conftest import TEST_TOKEN
from tests.fakes.http_server import FakeBotAPIServer
from tests.outbox_support import announce, in_new_loop, make_community, rows

RECIPIENTS = 200
ANSWERED_BEFORE_THE_STOP = 40
CONCURRENCY = 4


def test_sigterm_mid_broadcast_leaves_no_row_in_sending(
    settings: Settings, tmp_path: Path
) -> None:
    in_new_loop(settings, lambda rt: make_community(rt, locales=["nl"] * RECIPIENTS))

    assert (
        in_new_loop(settings, lambda rt: announce(rt, text="Zaterdag koken we samen.")).queued
        == RECIPIENTS
    )
    log = tmp_path / "samen.log"
    with FakeBotAPIServer() as fake, log.open("w") as handle:
        api = fake.api
        # Calls after the first 40 hang until released: the stop lands with calls in flight.
        api.hold_after(ANSWERED_BEFORE_THE_STOP)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=samen_env(
                tmp_path,
                DATABASE_URL=settings.database_url,
                TELEGRAM_BOT_TOKEN=TEST_TOKEN,
                TELEGRAM_API_URL=fake.url,
                SAMEN_TELEGRAM_RATE="1000",
                SAMEN_TELEGRAM_CHAT_RATE="100",
                SAMEN_OUTBOX_CONCURRENCY=str(CONCURRENCY),
                SAMEN_LOG_LEVEL="INFO",
            ),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        try:
            in_flight = api.wait_for(
                lambda calls: (
                    sum(c.method == "sendMessage" for c in calls)
                    >= ANSWERED_BEFORE_THE_STOP + CONCURRENCY
                ),
                timeout=TIMEOUT,
            )
            assert in_flight, log.read_text()
            process.send_signal(signal.SIGTERM)
            # Telegram answers the calls that were under way; the stop waits for them.
            api.release()
            process.wait(timeout=TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
        output = log.read_text()
        sent_calls = Counter(call.chat_id for call in api.sent())

    assert process.returncode == 0, output
    final = in_new_loop(settings, lambda rt: rows(rt))
    states = Counter(row.state for row in final)
    assert OutboxState.SENDING not in states, states
    assert set(states) <= {OutboxState.SENT, OutboxState.QUEUED}, states
    assert states[OutboxState.SENT] >= ANSWERED_BEFORE_THE_STOP + CONCURRENCY
    assert all(count == 1 for count in sent_calls.values())
    assert states[OutboxState.SENT] == len(sent_calls)  # every call that went out is recorded
    assert TEST_TOKEN not in output
    assert "Zaterdag koken" not in output  # no message content at INFO
