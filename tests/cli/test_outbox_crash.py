"""Kill the dispatcher with SIGKILL in the middle of a 1,000-recipient broadcast, start it
again, and check that every recipient got the message exactly once or is `unknown` (never
more than were in flight at the kill), and that nobody was skipped."""

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

RECIPIENTS = 1000
ANSWERED_BEFORE_THE_KILL = 300
CONCURRENCY = 8
BATCH = 50


def start_dispatcher(settings: Settings, api_url: str, log: Path) -> subprocess.Popen:
    handle = log.open("a")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "outbox", "dispatch"],
        cwd=log.parent,
        env=samen_env(
            log.parent,
            DATABASE_URL=settings.database_url,
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=api_url,
            SAMEN_INSTANCE_ID="crash-test",
            # The limits are lifted: this test is about crashes, not pacing.
            SAMEN_TELEGRAM_RATE="1000",
            SAMEN_TELEGRAM_CHAT_RATE="100",
            SAMEN_OUTBOX_CONCURRENCY=str(CONCURRENCY),
            SAMEN_OUTBOX_BATCH=str(BATCH),
            SAMEN_LOG_LEVEL="INFO",
        ),
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def test_sigkill_mid_broadcast_then_restart_sends_everyone_once_or_unknown(
    settings: Settings, tmp_path: Path
) -> None:
    people = in_new_loop(settings, lambda rt: make_community(rt, locales=["nl"] * RECIPIENTS))

    assert (
        in_new_loop(settings, lambda rt: announce(rt, text="Zaterdag koken we samen.")).queued
        == RECIPIENTS
    )
    log = tmp_path / "dispatch.log"
    with FakeBotAPIServer() as fake:
        api = fake.api
        # After 300 answers the fake stops answering: calls hang, as on a slow network, so
        # the kill lands while calls are in flight — decided by the fake, not by a timer.
        api.hold_after(ANSWERED_BEFORE_THE_KILL)
        first = start_dispatcher(settings, fake.url, log)
        try:
            stuck = api.wait_for(
                lambda calls: (
                    sum(c.method == "sendMessage" for c in calls)
                    >= ANSWERED_BEFORE_THE_KILL + CONCURRENCY
                ),
                timeout=TIMEOUT,
            )
            assert stuck, log.read_text()
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=TIMEOUT)
        calls_at_kill = len(api.sent())
        at_kill = in_new_loop(settings, lambda rt: rows(rt))
        in_flight = {row.id for row in at_kill if row.state is OutboxState.SENDING}
        never_called = sum(row.state is OutboxState.QUEUED for row in at_kill)
        assert in_flight, "the kill should land mid-broadcast"
        assert calls_at_kill == ANSWERED_BEFORE_THE_KILL + CONCURRENCY
        api.release()

        second = start_dispatcher(settings, fake.url, log)
        try:
            # It sends exactly the rows nobody had called yet, then nothing more.
            done = api.wait_for(
                lambda calls: (
                    sum(c.method == "sendMessage" for c in calls) >= calls_at_kill + never_called
                ),
                timeout=TIMEOUT,
            )
            assert done, log.read_text()
        finally:
            second.send_signal(signal.SIGTERM)  # a graceful stop records what it sent
            second.wait(timeout=TIMEOUT)
        output = log.read_text()
        assert second.returncode == 0, output
        per_chat = Counter(call.chat_id for call in api.sent())

    final = in_new_loop(settings, lambda rt: rows(rt))
    states = Counter(row.state for row in final)
    assert set(states) <= {OutboxState.SENT, OutboxState.UNKNOWN}, states
    unknown = {row.id for row in final if row.state is OutboxState.UNKNOWN}
    # Exactly the rows in flight at the kill became unknown: not resent, not lost.
    assert unknown == in_flight
    # The dispatcher claims the next batch while the last calls of the previous one are still
    # out, so at most two batches can be in flight at once.
    assert len(unknown) <= 2 * BATCH
    for row in final:
        if row.state is OutboxState.SENT:
            assert per_chat[row.chat_id] == 1, f"row {row.id} sent {per_chat[row.chat_id]}x"
        else:
            assert per_chat[row.chat_id] <= 1, f"unknown row {row.id} was sent again"
    # Nobody skipped: every recipient has a row that was sent or is honestly unknown.
    assert sorted(row.chat_id for row in final) == people.user_ids
    assert max(per_chat.values()) == 1
    assert "Traceback" not in output
    assert TEST_TOKEN not in output
