"""Two dispatchers — two engines, as two instances would have — share one broadcast on one
database (PostgreSQL: SKIP LOCKED; SQLite too: one writer at a time) without a duplicate."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from bot.config import Settings
from bot.db.models import OutboxState
from bot.runtime import Runtime
from bot.services.outbox import announcements
from tests.fakes.bot_api import FakeBotAPI, FakeRequest
from tests.harness import FakeClock
from tests.outbox_support import make_community, make_dispatcher, rows

RECIPIENTS = 300


class GatedRequest(FakeRequest):
    """The fake Bot API, remembering who called; `a`'s calls wait until `b` has made one, so
    both instances certainly take part, whatever the machine's speed."""

    def __init__(self, api: FakeBotAPI, name: str, gate: asyncio.Event, callers: Counter):
        super().__init__(api)
        self.name, self.gate, self.callers = name, gate, callers

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any):
        if url.endswith("/sendMessage"):
            if self.name == "a":
                await self.gate.wait()
            else:
                self.gate.set()
            self.callers[self.name] += 1
        return await super().do_request(url, method, *args, **kwargs)


async def test_two_instances_send_one_broadcast_once(
    settings: Settings, runtime: Runtime, fake_api: FakeBotAPI, clock: FakeClock
) -> None:
    people = await make_community(runtime, locales=["nl"] * RECIPIENTS)
    async with runtime.sessions() as session:
        await announcements.announce(
            session,
            community_code="utrecht",
            texts={"nl": "Tot zaterdag!"},
            source_locale="nl",
            now=clock(),
        )
    other = Runtime.create(settings, clock=clock)  # a second engine and connection pool
    gate, callers = asyncio.Event(), Counter()
    dispatchers = []
    for name, rt in (("a", runtime), ("b", other)):
        dispatcher, channel, _ = make_dispatcher(
            rt,
            fake_api,
            instance=f"instance-{name}",
            request=GatedRequest(fake_api, name, gate, callers),
            rate=10_000.0,
            batch=20,
            concurrency=4,
        )
        await channel.start()
        dispatchers.append((dispatcher, channel))
    try:
        await asyncio.wait_for(
            asyncio.gather(*(d.run_once() for d, _ in dispatchers)), timeout=120
        )
    finally:
        for _, channel in dispatchers:
            await channel.stop()
        await other.close()

    per_chat = Counter(call.chat_id for call in fake_api.sent())
    assert sorted(per_chat) == people.user_ids
    assert set(per_chat.values()) == {1}  # no duplicate
    final = await rows(runtime)
    assert {row.state for row in final} == {OutboxState.SENT}
    claimed_by = Counter(row.claimed_by for row in final)
    assert set(claimed_by) == {"instance-a", "instance-b"}
    assert callers["a"] > 0
    assert callers["b"] > 0
    assert callers["a"] + callers["b"] == RECIPIENTS
